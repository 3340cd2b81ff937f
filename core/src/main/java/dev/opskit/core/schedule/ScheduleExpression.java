package dev.opskit.core.schedule;

import dev.opskit.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS schedule expression as used by SSM maintenance windows (and EventBridge): a six-field
 * {@code cron(...)}, a {@code rate(...)} or a one-time {@code at(...)}. Parsing checks the whole
 * syntax and says which field is wrong and how to write it; {@link #nextAfter} computes fire
 * times in a time zone.
 *
 * <pre>{@code
 * ScheduleExpression every = ScheduleExpression.parse("cron(0 2 ? * SUN *)");
 * Instant next = every.nextAfter(Instant.now(), ZoneId.of("Europe/Paris")).orElseThrow();
 * ScheduleExpression.parse("rate(5 minutes)");
 * ScheduleExpression.parse("at(2026-11-26T12:00:00)");
 * }</pre>
 *
 * <p>Values are immutable; two expressions are equal when their canonical text ({@code toString()})
 * is equal, and {@code parse(e.toString())} equals {@code e}.
 */
public sealed interface ScheduleExpression permits ScheduleExpression.Cron, ScheduleExpression.Rate,
        ScheduleExpression.At {

    /**
     * Parses {@code cron(min hour day-of-month month day-of-week year)}, {@code rate(N unit)} or
     * {@code at(yyyy-mm-ddThh:mm:ss)}.
     *
     * @param text the expression
     * @return the parsed expression
     * @throws InvalidInputException naming the wrong part and how to write it
     */
    static ScheduleExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("schedule", text,
                    "give cron(0 2 ? * SUN *), rate(5 minutes) or at(2026-11-26T12:00:00)");
        }
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (!t.endsWith(")")) {
            throw new InvalidInputException("schedule", text,
                    "an expression ends with ')': cron(...), rate(...) or at(...)");
        }
        if (lower.startsWith("cron(")) {
            return Cron.parseBody(text, t.substring(5, t.length() - 1));
        }
        if (lower.startsWith("rate(")) {
            return Rate.parseBody(text, t.substring(5, t.length() - 1));
        }
        if (lower.startsWith("at(")) {
            return At.parseBody(text, t.substring(3, t.length() - 1));
        }
        throw new InvalidInputException("schedule", text,
                "it must start with cron(, rate( or at(, e.g. cron(0 2 ? * SUN *), rate(5 minutes), at(2026-11-26T12:00:00)");
    }

    /**
     * The first fire time strictly after {@code after}. A rate counts from {@code after} itself
     * (use {@link #nextAfter(Instant, ZoneId, Instant)} to count from a fixed start).
     *
     * @param after the instant to search after
     * @param zone the time zone the expression's fields are read in
     * @return the next fire time, or empty if there is none (an {@code at} in the past, a cron
     *     whose years are over)
     */
    default Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        return nextAfter(after, zone, after);
    }

    /**
     * The first fire time strictly after {@code after}; a rate fires at {@code anchor + k * period}.
     *
     * @param after the instant to search after
     * @param zone the time zone the expression's fields are read in
     * @param anchor when a rate started counting (ignored by cron and at)
     * @return the next fire time, or empty if there is none
     */
    Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor);

    /** @return true for {@code at(...)}, which fires once */
    default boolean oneTime() {
        return this instanceof At;
    }

    /**
     * A six-field cron: minutes, hours, day-of-month, month, day-of-week, year. Exactly one of
     * day-of-month and day-of-week is {@code ?}. Supports {@code *}, lists, ranges, steps, names
     * (JAN-DEC, SUN-SAT, SUN = 1), {@code L}, {@code W}, {@code LW}, {@code nL} and {@code n#k}.
     */
    final class Cron implements ScheduleExpression {
        private final String canonical;
        private final CronFields fields;

        private Cron(String canonical, CronFields fields) {
            this.canonical = canonical;
            this.fields = fields;
        }

        static Cron parseBody(String original, String body) {
            String[] parts = body.strip().split("\\s+");
            if (parts.length != 6) {
                throw new InvalidInputException("schedule", original,
                        "a cron has 6 fields (minutes hours day-of-month month day-of-week year), got "
                                + (body.isBlank() ? 0 : parts.length) + "; e.g. cron(0 2 ? * SUN *)");
            }
            CronFields f = CronFields.parse(original, parts);
            String canonical = "cron(" + String.join(" ", f.texts()) + ")";
            return new Cron(canonical, f);
        }

        /** @return the six field texts as written (upper-cased) */
        public java.util.List<String> fields() {
            return fields.texts();
        }

        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(zone, "zone");
            return fields.nextAfter(after, zone);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cron c && c.canonical.equals(canonical);
        }

        @Override
        public int hashCode() {
            return canonical.hashCode();
        }

        /** @return the canonical text, e.g. {@code cron(0 2 ? * SUN *)} */
        @Override
        public String toString() {
            return canonical;
        }
    }

    /**
     * {@code rate(N unit)}: every N minutes, hours or days. The unit is singular for 1
     * ({@code rate(1 hour)}) and plural otherwise ({@code rate(2 hours)}), as AWS requires.
     *
     * @param value how many units, at least 1
     * @param unit {@code minute}, {@code hour} or {@code day} (singular)
     */
    record Rate(long value, String unit) implements ScheduleExpression {
        private static final Pattern RATE = Pattern.compile("\\s*(\\S+)\\s+(\\S+)\\s*");

        /**
         * @param value how many units, at least 1
         * @param unit {@code minute}, {@code hour} or {@code day}; a plural is accepted
         */
        public Rate {
            Objects.requireNonNull(unit, "unit");
            if (value < 1 || value > 1_000_000) {
                throw new InvalidInputException("rate value", Long.toString(value),
                        "give a whole number from 1 to 1000000, e.g. rate(5 minutes)");
            }
            String u = unit.toLowerCase(Locale.ROOT);
            u = u.endsWith("s") ? u.substring(0, u.length() - 1) : u;
            if (!u.equals("minute") && !u.equals("hour") && !u.equals("day")) {
                throw new InvalidInputException("rate unit", unit,
                        "use minute(s), hour(s) or day(s), e.g. rate(5 minutes)");
            }
            unit = u;
        }

        static Rate parseBody(String original, String body) {
            Matcher m = RATE.matcher(body);
            if (!m.matches()) {
                throw new InvalidInputException("schedule", original,
                        "a rate is rate(<number> <unit>), e.g. rate(5 minutes), rate(1 hour), rate(2 days)");
            }
            long value;
            try {
                value = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("schedule", original,
                        "the rate value '" + m.group(1) + "' must be a whole number from 1, e.g. rate(5 minutes)");
            }
            if (value < 1) {
                throw new InvalidInputException("schedule", original,
                        "the rate value must be at least 1, e.g. rate(5 minutes)");
            }
            String unit = m.group(2);
            String singular = value == 1 ? unit : (unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : "");
            if (!singular.equals("minute") && !singular.equals("hour") && !singular.equals("day")) {
                String want = value == 1 ? "minute, hour or day (singular for 1)" : "minutes, hours or days (plural above 1)";
                throw new InvalidInputException("schedule", original,
                        "the rate unit '" + unit + "' must be " + want + ", e.g. rate(" + value
                                + (value == 1 ? " hour)" : " minutes)"));
            }
            return new Rate(value, singular);
        }

        /** @return the period between two fires */
        public Duration period() {
            return switch (unit) {
                case "minute" -> Duration.ofMinutes(value);
                case "hour" -> Duration.ofHours(value);
                default -> Duration.ofDays(value);
            };
        }

        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(anchor, "anchor");
            long p = period().toMillis();
            long elapsed = after.toEpochMilli() - anchor.toEpochMilli();
            if (elapsed < 0) {
                return Optional.of(anchor);
            }
            long k = elapsed / p + 1;
            return Optional.of(anchor.plusMillis(k * p));
        }

        /** @return the canonical text, e.g. {@code rate(5 minutes)} */
        @Override
        public String toString() {
            return "rate(" + value + " " + unit + (value == 1 ? "" : "s") + ")";
        }
    }

    /**
     * {@code at(yyyy-mm-ddThh:mm:ss)}: once, at a local date-time of the window's time zone.
     *
     * @param when the local date-time, whole seconds
     */
    record At(LocalDateTime when) implements ScheduleExpression {
        private static final Pattern AT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
        private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

        /** @param when the local date-time; fractions of a second are dropped */
        public At {
            Objects.requireNonNull(when, "when");
            when = when.withNano(0);
        }

        static At parseBody(String original, String body) {
            String b = body.strip();
            if (!AT.matcher(b).matches()) {
                throw new InvalidInputException("schedule", original,
                        "a one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-26T12:00:00)");
            }
            try {
                return new At(LocalDateTime.parse(b, FORMAT.withResolverStyle(java.time.format.ResolverStyle.STRICT)));
            } catch (DateTimeParseException e) {
                throw new InvalidInputException("schedule", original,
                        "'" + b + "' is not a real date-time; write at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-26T12:00:00)");
            }
        }

        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            Instant at = ZonedDateTime.ofLocal(when, zone, null).toInstant();
            return at.isAfter(after) ? Optional.of(at) : Optional.empty();
        }

        /** @return the canonical text, e.g. {@code at(2026-11-26T12:00:00)} */
        @Override
        public String toString() {
            return "at(" + FORMAT.format(when) + ")";
        }
    }
}
