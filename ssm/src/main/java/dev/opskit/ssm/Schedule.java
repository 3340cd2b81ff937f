package dev.opskit.ssm;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.schedule.ScheduleExpression;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * When a maintenance window runs: a six-field AWS cron, a rate, or once at a local date-time.
 * Each factory checks the expression at once and says how to write it.
 *
 * <pre>{@code
 * Schedule.cron("0 2 ? * SUN *");                        // Sundays at 02:00 in the window's zone
 * Schedule.rate(5, ChronoUnit.MINUTES);                  // rate(5 minutes)
 * Schedule.at(LocalDateTime.parse("2026-11-26T12:00"));  // once
 * Schedule.parse("rate(1 day)");
 * }</pre>
 *
 * @param expression the parsed expression
 */
public record Schedule(ScheduleExpression expression) {
    /** @param expression the parsed expression */
    public Schedule {
        Objects.requireNonNull(expression, "expression");
    }

    /**
     * @param text {@code cron(...)}, {@code rate(...)} or {@code at(...)}
     * @return the schedule
     * @throws InvalidInputException naming the wrong part
     */
    public static Schedule parse(String text) {
        return new Schedule(ScheduleExpression.parse(text));
    }

    /**
     * A cron schedule: minutes hours day-of-month month day-of-week year, one of the two day
     * fields {@code ?}.
     *
     * @param fields the six fields, e.g. {@code "0 2 ? * SUN *"}, or a whole {@code cron(...)}
     * @return the schedule
     * @throws InvalidInputException naming the wrong field
     */
    public static Schedule cron(String fields) {
        Objects.requireNonNull(fields, "fields");
        String f = fields.strip();
        return parse(f.startsWith("cron(") ? f : "cron(" + f + ")");
    }

    /**
     * A rate schedule.
     *
     * @param value how many units, at least 1
     * @param unit {@link ChronoUnit#MINUTES}, {@link ChronoUnit#HOURS} or {@link ChronoUnit#DAYS}
     * @return the schedule, e.g. {@code rate(5 minutes)}
     * @throws InvalidInputException for another unit or a value below 1
     */
    public static Schedule rate(long value, ChronoUnit unit) {
        Objects.requireNonNull(unit, "unit");
        String u = switch (unit) {
            case MINUTES -> "minute";
            case HOURS -> "hour";
            case DAYS -> "day";
            default -> throw new InvalidInputException("rate unit", unit.toString(),
                    "use ChronoUnit.MINUTES, HOURS or DAYS");
        };
        return new Schedule(new ScheduleExpression.Rate(value, u));
    }

    /**
     * Once, at a local date-time of the window's time zone.
     *
     * @param when the local date-time (seconds kept, fractions dropped)
     * @return the schedule, e.g. {@code at(2026-11-26T12:00:00)}
     */
    public static Schedule at(LocalDateTime when) {
        return new Schedule(new ScheduleExpression.At(when.truncatedTo(ChronoUnit.SECONDS)));
    }

    /** @return true for a cron schedule (the only kind that takes a schedule offset) */
    public boolean isCron() {
        return expression instanceof ScheduleExpression.Cron;
    }

    /** @return true for a one-time {@code at(...)} schedule */
    public boolean isOneTime() {
        return expression.oneTime();
    }

    /**
     * @param after an instant
     * @param zone the window's time zone
     * @return the next time a cron or at schedule fires after {@code after}; a rate counts from
     *     {@code after}
     */
    public Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        return expression.nextAfter(after, zone);
    }

    /** @return the expression text SSM takes, e.g. {@code cron(0 2 ? * SUN *)} */
    @Override
    public String toString() {
        return expression.toString();
    }
}
