package dev.opskit.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void weeklyCronFiresSundaysAtTwoInItsZone() {
        ScheduleExpression e = ScheduleExpression.parse("cron(0 2 ? * SUN *)");
        Instant next = e.nextAfter(Instant.parse("2024-05-01T00:00:00Z"), PARIS).orElseThrow();
        assertThat(next).isEqualTo(ZonedDateTime.of(2024, 5, 5, 2, 0, 0, 0, PARIS).toInstant());
    }

    @Test
    void specialDayForms() {
        Instant jan = Instant.parse("2024-01-01T00:00:00Z");
        // Last day of February in a leap year.
        assertThat(next("cron(30 4 L 2 ? *)", jan)).isEqualTo("2024-02-29T04:30:00Z");
        // Last weekday of June 2024 (30th is a Sunday): Friday the 28th.
        assertThat(next("cron(0 0 LW 6 ? 2024)", jan)).isEqualTo("2024-06-28T00:00:00Z");
        // 15W in June 2024: the 15th is a Saturday, so Friday the 14th.
        assertThat(next("cron(0 0 15W 6 ? *)", jan)).isEqualTo("2024-06-14T00:00:00Z");
        // 1W in June 2024: the 1st is a Saturday, the nearest weekday in the month is Monday the 3rd.
        assertThat(next("cron(0 0 1W 6 ? *)", jan)).isEqualTo("2024-06-03T00:00:00Z");
        // 1W in September 2024: the 1st is a Sunday, so Monday the 2nd (not the 3rd).
        assertThat(next("cron(0 0 1W 9 ? *)", jan)).isEqualTo("2024-09-02T00:00:00Z");
        // 15W in September 2024: the 15th is a Sunday, so Monday the 16th (not Friday the 13th).
        assertThat(next("cron(0 0 15W 9 ? *)", jan)).isEqualTo("2024-09-16T00:00:00Z");
        // The case that once fooled this test's own reference: 1W in Paris, November 2020 (1st a Sunday).
        assertThat(ScheduleExpression.parse("cron(* * 1W * ? *)")
                .nextAfter(Instant.parse("2020-11-02T22:58:30Z"), PARIS).orElseThrow())
                .isEqualTo("2020-11-02T22:59:00Z");
        // After Monday the 2nd (ends 23:00Z), the next is Tuesday 1 December, 00:00 in Paris.
        assertThat(ScheduleExpression.parse("cron(* * 1W * ? *)")
                .nextAfter(Instant.parse("2020-11-02T22:59:00Z"), PARIS).orElseThrow())
                .isEqualTo("2020-11-30T23:00:00Z");
        // Last Friday (6L) of March 2024: the 29th.
        assertThat(next("cron(0 12 ? 3 6L *)", jan)).isEqualTo("2024-03-29T12:00:00Z");
        // Second Tuesday (3#2) of April 2024: the 9th.
        assertThat(next("cron(0 12 ? APR 3#2 *)", jan)).isEqualTo("2024-04-09T12:00:00Z");
        // Every 15 minutes from minute 5, weekdays.
        assertThat(next("cron(5/15 * ? * MON-FRI *)", Instant.parse("2024-01-06T10:00:00Z")))
                .isEqualTo("2024-01-08T00:05:00Z");
    }

    @Test
    void cronWithPastYearsNeverFiresAgain() {
        assertThat(ScheduleExpression.parse("cron(0 0 1 1 ? 2020)")
                .nextAfter(Instant.parse("2024-01-01T00:00:00Z"), UTC)).isEmpty();
    }

    @Test
    void localTimeSkippedByDaylightSavingDoesNotFire() {
        // 02:30 does not exist in Paris on 2024-03-31.
        Instant next = ScheduleExpression.parse("cron(30 2 * * ? *)")
                .nextAfter(Instant.parse("2024-03-30T12:00:00Z"), PARIS).orElseThrow();
        assertThat(next).isEqualTo(ZonedDateTime.of(2024, 4, 1, 2, 30, 0, 0, PARIS).toInstant());
    }

    @Test
    void rateCountsFromItsAnchorAndAtFiresOnce() {
        ScheduleExpression rate = ScheduleExpression.parse("rate(5 minutes)");
        Instant anchor = Instant.parse("2024-01-01T00:00:00Z");
        assertThat(rate.nextAfter(anchor.plusSeconds(301), UTC, anchor)).contains(anchor.plusSeconds(600));
        assertThat(rate.nextAfter(anchor.minusSeconds(10), UTC, anchor)).contains(anchor);
        ScheduleExpression at = ScheduleExpression.parse("at(2026-11-26T12:00:00)");
        Instant when = ZonedDateTime.of(2026, 11, 26, 12, 0, 0, 0, PARIS).toInstant();
        assertThat(at.nextAfter(anchor, PARIS)).contains(when);
        assertThat(at.nextAfter(when, PARIS)).isEmpty();
        assertThat(at.oneTime()).isTrue();
        assertThat(rate.oneTime()).isFalse();
    }

    @Test
    void invalidExpressionsNameTheFix() {
        assertRejected("cron(0 2 * * SUN *)", "must be '?'");
        assertRejected("cron(0 2 ? * ? *)", "can't both be '?'");
        assertRejected("cron(0 2 ? * SUN)", "6 fields");
        assertRejected("cron(60 2 ? * SUN *)", "minutes field value 60 is out of range 0-59");
        assertRejected("cron(0 24 ? * SUN *)", "hours field value 24");
        assertRejected("cron(0 2 32 * ? *)", "day-of-month field value 32");
        assertRejected("cron(0 2 ? 13 SUN *)", "month field value 13");
        assertRejected("cron(0 2 ? * 8 *)", "day-of-week field value 8");
        assertRejected("cron(0 2 ? * FOO *)", "day-of-week field value 'FOO'");
        assertRejected("cron(0 2 ? * SUN 1969)", "year field value 1969");
        assertRejected("cron(0 5-2 ? * SUN *)", "runs backwards");
        assertRejected("cron(0 2 ? * 2#6 *)", "1 to 5");
        assertRejected("rate(5 minute)", "plural above 1");
        assertRejected("rate(1 minutes)", "singular for 1");
        assertRejected("rate(5 weeks)", "minutes, hours or days");
        assertRejected("rate(0 minutes)", "at least 1");
        assertRejected("rate(five minutes)", "whole number");
        assertRejected("at(2026-11-26 12:00:00)", "at(yyyy-mm-ddThh:mm:ss)");
        assertRejected("at(2026-02-30T12:00:00)", "not a real date-time");
        assertRejected("every(5 minutes)", "cron(, rate( or at(");
        assertRejected("", "cron(0 2 ? * SUN *)");
    }

    @Property(tries = 300)
    void generatedCronsAreAcceptedAndRoundTrip(@ForAll("crons") String text) {
        ScheduleExpression e = ScheduleExpression.parse(text);
        assertThat(ScheduleExpression.parse(e.toString())).isEqualTo(e);
        assertThat(e.toString()).isEqualTo(text);
    }

    @Property(tries = 200)
    void nextFireMatchesTheFieldsAndIsMonotonic(@ForAll("crons") String text,
            @ForAll @LongRange(min = 1_600_000_000L, max = 1_800_000_000L) long epoch) {
        ScheduleExpression e = ScheduleExpression.parse(text);
        Instant after = Instant.ofEpochSecond(epoch);
        var next = e.nextAfter(after, PARIS);
        if (next.isEmpty()) {
            return;
        }
        Instant n = next.get();
        assertThat(n).isAfter(after);
        assertThat(n.getEpochSecond() % 60).isZero();
        assertThat(matches(text, n.atZone(PARIS).toLocalDateTime())).as("%s fires at %s", text, n).isTrue();
        // No earlier matching minute between 'after' and the fire time (checked over a short span).
        Instant probe = after.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        for (int i = 0; i < 90 && probe.isBefore(n); i++, probe = probe.plusSeconds(60)) {
            LocalDateTime local = probe.atZone(PARIS).toLocalDateTime();
            assertThat(matches(text, local)).as("%s also matches %s before %s", text, probe, n).isFalse();
        }
        e.nextAfter(n, PARIS).ifPresent(later -> assertThat(later).isAfter(n));
    }

    @Property(tries = 200)
    void ratesAreAcceptedRoundTripAndStepByTheirPeriod(@ForAll @IntRange(min = 1, max = 500) int value,
            @ForAll("units") String unit, @ForAll @LongRange(min = 0, max = 10_000_000) long offset) {
        String text = "rate(" + value + " " + unit + (value == 1 ? "" : "s") + ")";
        ScheduleExpression.Rate r = (ScheduleExpression.Rate) ScheduleExpression.parse(text);
        assertThat(r.toString()).isEqualTo(text);
        Instant anchor = Instant.parse("2024-01-01T00:00:00Z");
        Instant after = anchor.plusSeconds(offset);
        Instant n = r.nextAfter(after, UTC, anchor).orElseThrow();
        assertThat(n).isAfter(after);
        assertThat(Duration.between(after, n)).isLessThanOrEqualTo(r.period());
        assertThat(Duration.between(anchor, n).toMillis() % r.period().toMillis()).isZero();
    }

    @Property(tries = 200)
    void outOfRangeCronValuesAreRejectedNamingTheField(@ForAll @IntRange(min = 0, max = 5) int field,
            @ForAll @IntRange(min = 1, max = 300) int excess) {
        String[] names = {"minutes", "hours", "day-of-month", "month", "day-of-week", "year"};
        int[] max = {59, 23, 31, 12, 7, 2199};
        String[] f = {"0", "0", "?", "*", "MON", "*"};
        if (field == 2) {
            f[4] = "?";
        }
        f[field] = Integer.toString(max[field] + excess);
        String text = "cron(" + String.join(" ", f) + ")";
        assertThatThrownBy(() -> ScheduleExpression.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(names[field] + " field value " + (max[field] + excess))
                .hasMessageContaining("out of range");
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.of("minute", "hour", "day");
    }

    @Provide
    Arbitrary<String> crons() {
        Arbitrary<String> minute = field(0, 59);
        Arbitrary<String> hour = field(0, 23);
        Arbitrary<String> month = Arbitraries.oneOf(field(1, 12), Arbitraries.of("JAN", "JUN-AUG", "DEC"));
        Arbitrary<String> year = Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.integers().between(2020, 2060)
                .map(y -> y + "-" + (y + 10)));
        Arbitrary<String[]> days = Arbitraries.oneOf(
                Arbitraries.oneOf(field(1, 28), Arbitraries.of("L", "LW", "15W", "1W")).map(d -> new String[] {d, "?"}),
                Arbitraries.oneOf(field(1, 7), Arbitraries.of("MON-FRI", "SUN", "6L", "2#1", "L"))
                        .map(d -> new String[] {"?", d}));
        return Combinators.combine(minute, hour, days, month, year)
                .as((mi, h, d, mo, y) -> "cron(" + mi + " " + h + " " + d[0] + " " + mo + " " + d[1] + " " + y + ")");
    }

    private static Arbitrary<String> field(int min, int max) {
        Arbitrary<Integer> v = Arbitraries.integers().between(min, max);
        return Arbitraries.oneOf(
                Arbitraries.just("*"),
                v.map(String::valueOf),
                Combinators.combine(v, v).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b)),
                Combinators.combine(v, Arbitraries.integers().between(1, max - min + 1)).as((a, s) -> a + "/" + s),
                Arbitraries.integers().between(1, max - min + 1).map(s -> "*/" + s),
                Combinators.combine(v, v).as((a, b) -> a + "," + b));
    }

    /** An independent, naive reading of the generated forms, to check the evaluator against. */
    private static boolean matches(String text, LocalDateTime t) {
        String[] f = text.substring(5, text.length() - 1).split(" ");
        if (!simple(f[0], t.getMinute(), 0, 59) || !simple(f[1], t.getHour(), 0, 23)
                || !simple(month(f[3]), t.getMonthValue(), 1, 12) || !simple(f[5], t.getYear(), 1970, 2199)) {
            return false;
        }
        int dow = t.getDayOfWeek().getValue() % 7 + 1;
        int last = t.toLocalDate().lengthOfMonth();
        int dom = t.getDayOfMonth();
        return switch (f[2].equals("?") ? f[4] : f[2]) {
            case "L" -> f[2].equals("?") ? dow == 7 : dom == last;
            case "LW" -> {
                DayOfWeek lastDay = t.toLocalDate().withDayOfMonth(last).getDayOfWeek();
                int target = lastDay == DayOfWeek.SATURDAY ? last - 1 : lastDay == DayOfWeek.SUNDAY ? last - 2 : last;
                yield dom == target;
            }
            case "15W" -> dom == nearestWeekday(t.toLocalDate().withDayOfMonth(15));
            case "1W" -> dom == nearestWeekday(t.toLocalDate().withDayOfMonth(1));
            case "MON-FRI" -> dow >= 2 && dow <= 6;
            case "SUN" -> dow == 1;
            case "6L" -> dow == 6 && dom + 7 > last;
            case "2#1" -> dow == 2 && dom <= 7;
            default -> f[2].equals("?") ? simple(f[4], dow, 1, 7) : simple(f[2], dom, 1, 31);
        };
    }

    /** The day of the month of the weekday nearest {@code day}, never leaving its month. */
    private static int nearestWeekday(LocalDate day) {
        int d = day.getDayOfMonth();
        int last = day.lengthOfMonth();
        return switch (day.getDayOfWeek()) {
            case SATURDAY -> d == 1 ? 3 : d - 1;
            case SUNDAY -> d == last ? d - 2 : d + 1;
            default -> d;
        };
    }

    private static String month(String f) {
        return switch (f) {
            case "JAN" -> "1";
            case "JUN-AUG" -> "6-8";
            case "DEC" -> "12";
            default -> f;
        };
    }

    private static boolean simple(String f, int v, int min, int max) {
        for (String part : f.split(",")) {
            if (part.equals("*")) {
                return true;
            }
            if (part.startsWith("*/")) {
                if ((v - min) % Integer.parseInt(part.substring(2)) == 0) {
                    return true;
                }
            } else if (part.contains("/")) {
                int a = Integer.parseInt(part.substring(0, part.indexOf('/')));
                int s = Integer.parseInt(part.substring(part.indexOf('/') + 1));
                if (v >= a && (v - a) % s == 0) {
                    return true;
                }
            } else if (part.contains("-")) {
                String[] r = part.split("-");
                if (v >= Integer.parseInt(r[0]) && v <= Integer.parseInt(r[1])) {
                    return true;
                }
            } else if (Integer.parseInt(part) == v) {
                return true;
            }
        }
        return false;
    }

    private static String next(String expression, Instant after) {
        return ScheduleExpression.parse(expression).nextAfter(after, UTC).orElseThrow().toString();
    }

    private static void assertRejected(String expression, String fragment) {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression))
                .as(expression)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(fragment);
    }
}
