package dev.opskit.core;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A password, token or secret key. Its {@link #toString()} shows only {@value #REDACTED}, so a
 * secret that slips into a log line, an event or an exception message is not revealed. The value
 * is read only through {@link #reveal()}, which makes every place that needs it easy to find.
 *
 * <pre>{@code
 * Secret password = Secret.of(System.getenv("REPL_PASSWORD"));
 * Secret generated = Secret.generate(24);
 * System.out.println(password);       // prints ********
 * }</pre>
 */
public final class Secret {
    /** What every secret shows instead of its value. */
    public static final String REDACTED = "********";

    private static final String ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret, not empty
     * @return the secret
     * @throws InvalidInputException if the value is null or empty
     */
    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("secret", null, "a secret must not be null or empty");
        }
        return new Secret(value.toCharArray());
    }

    /**
     * Generates a random secret of letters and digits that MySQL, shells and URLs all accept
     * unquoted (no look-alike characters such as 0/O or 1/l).
     *
     * @param length number of characters, 12 to 128
     * @return a new random secret
     * @throws InvalidInputException if the length is out of range
     */
    public static Secret generate(int length) {
        if (length < 12 || length > 128) {
            throw new InvalidInputException("length", Integer.toString(length),
                    "a generated secret has 12 to 128 characters");
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new Secret(chars);
    }

    /**
     * Returns the secret value. Call it only where the value is handed to the system that needs
     * it (a JDBC connection, an SQL parameter, an SDK request).
     *
     * @return the plain value
     */
    public String reveal() {
        return new String(value);
    }

    /**
     * Whether a text contains this secret's value; used to check that output is clean.
     *
     * @param text any text, may be null
     * @return true if the text contains the secret
     */
    public boolean appearsIn(CharSequence text) {
        return text != null && text.toString().contains(new String(value));
    }

    /** @return always {@value #REDACTED} */
    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value));
    }
}
