package dev.opskit.lambda.internal.repository;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.lambda.LifecyclePolicy;
import java.io.IOException;

/** Compares lifecycle policies by their rules, not their whitespace. */
final class Policies {
    private Policies() {
    }

    static boolean same(LifecyclePolicy wanted, String text) {
        try {
            return text != null && JSON.std.anyFrom(text).equals(JSON.std.anyFrom(wanted.json()));
        } catch (IOException e) {
            return false;
        }
    }
}
