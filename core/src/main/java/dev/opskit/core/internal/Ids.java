package dev.opskit.core.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Short random ids for runbook runs. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** @return {@code rb-} and 8 hex digits, e.g. {@code rb-3f9a1c7e} */
    public static String runbookId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "rb-" + HexFormat.of().formatHex(b);
    }
}
