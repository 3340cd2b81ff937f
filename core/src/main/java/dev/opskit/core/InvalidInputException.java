package dev.opskit.core;

/**
 * Input that opskit rejects before making any call that changes something: a value out of range,
 * a malformed identifier, a combination of options that cannot work. The message names the input,
 * the value given, what is allowed, and how to fix it.
 *
 * <pre>{@code
 * throw new InvalidInputException("binlogRetentionHours", "3000",
 *         "at most 2160 on Aurora MySQL 3; pass a value from 1 to 2160");
 * }</pre>
 */
public class InvalidInputException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final String input;

    /**
     * @param input the name of the option or argument that is wrong
     * @param value the value given, already redacted if secret (may be {@code null})
     * @param fix what is allowed and what to do
     */
    public InvalidInputException(String input, String value, String fix) {
        super("Invalid " + input + (value == null ? "" : " '" + value + "'") + ": " + fix, null, null, null);
        this.input = input;
    }

    /** @return the name of the option or argument that was rejected */
    public String input() {
        return input;
    }
}
