package dev.opskit.core.internal;

import java.time.Duration;

/** Formats durations for messages: short, exact enough for an operator ("2m 5.250s"). */
public final class Durations {
    private Durations() {
    }

    /**
     * @param d a duration, may be null
     * @return e.g. {@code 350ms}, {@code 4.500s}, {@code 2m 5s}, {@code 1h 2m 0s}
     */
    public static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        int milli = d.toMillisPart();
        if (h == 0 && m == 0) {
            return milli == 0 ? s + "s" : String.format("%d.%03ds", s, milli);
        }
        return (h > 0 ? h + "h " : "") + m + "m " + s + "s";
    }
}
