package dev.opskit.core.schedule;

import dev.opskit.core.InvalidInputException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The parsed six fields of an AWS cron and the search for the next matching minute. */
final class CronFields {
    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 2199;
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final List<String> texts;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet months;
    private final BitSet years;
    private final DayOfMonth dom;
    private final DayOfWeekSpec dow;

    /** Day-of-month: '?' (null bits, no flags), a set, L, LW or nW. */
    private record DayOfMonth(boolean any, BitSet days, boolean last, boolean lastWeekday, int nearestWeekday) {
    }

    /** Day-of-week (1 = SUN): '?', a set, nL (last n-day of the month) or n#k. */
    private record DayOfWeekSpec(boolean any, BitSet days, int lastOf, int nth, int nthDay) {
    }

    private CronFields(List<String> texts, BitSet minutes, BitSet hours, DayOfMonth dom, BitSet months,
            DayOfWeekSpec dow, BitSet years) {
        this.texts = texts;
        this.minutes = minutes;
        this.hours = hours;
        this.dom = dom;
        this.months = months;
        this.dow = dow;
        this.years = years;
    }

    List<String> texts() {
        return texts;
    }

    static CronFields parse(String original, String[] raw) {
        String[] p = new String[6];
        for (int i = 0; i < 6; i++) {
            p[i] = raw[i].toUpperCase(Locale.ROOT);
        }
        BitSet minutes = set(original, "minutes", p[0], 0, 59, null, 0);
        BitSet hours = set(original, "hours", p[1], 0, 23, null, 0);
        BitSet months = set(original, "month", p[3], 1, 12, MONTHS, 1);
        BitSet years = set(original, "year", p[5], MIN_YEAR, MAX_YEAR, null, 0);
        boolean domAny = p[2].equals("?");
        boolean dowAny = p[4].equals("?");
        if (domAny == dowAny) {
            throw new InvalidInputException("schedule", original, domAny
                    ? "day-of-month and day-of-week can't both be '?'; put '*' or a value in one of them, e.g. cron(0 2 ? * SUN *)"
                    : "one of day-of-month ('" + p[2] + "') and day-of-week ('" + p[4]
                            + "') must be '?', e.g. cron(0 2 ? * SUN *) or cron(0 2 1 * ? *)");
        }
        DayOfMonth dom = domAny ? new DayOfMonth(true, null, false, false, 0) : dayOfMonth(original, p[2]);
        DayOfWeekSpec dow = dowAny ? new DayOfWeekSpec(true, null, 0, 0, 0) : dayOfWeek(original, p[4]);
        return new CronFields(List.of(p), minutes, hours, dom, months, dow, years);
    }

    private static DayOfMonth dayOfMonth(String original, String s) {
        if (s.equals("L")) {
            return new DayOfMonth(false, null, true, false, 0);
        }
        if (s.equals("LW")) {
            return new DayOfMonth(false, null, false, true, 0);
        }
        if (s.endsWith("W")) {
            int d = number(original, "day-of-month", s.substring(0, s.length() - 1), 1, 31, null, 0,
                    "nW means the weekday nearest day n, e.g. 15W");
            return new DayOfMonth(false, null, false, false, d);
        }
        return new DayOfMonth(false, set(original, "day-of-month", s, 1, 31, null, 0), false, false, 0);
    }

    private static DayOfWeekSpec dayOfWeek(String original, String s) {
        if (s.equals("L")) {
            // A bare L in day-of-week is the last day of the week: Saturday.
            BitSet sat = new BitSet();
            sat.set(7);
            return new DayOfWeekSpec(false, sat, 0, 0, 0);
        }
        if (s.endsWith("L") && s.length() > 1) {
            int d = number(original, "day-of-week", s.substring(0, s.length() - 1), 1, 7, DAYS, 1,
                    "nL means the last day n of the month, e.g. 6L (last Friday)");
            return new DayOfWeekSpec(false, null, d, 0, 0);
        }
        int hash = s.indexOf('#');
        if (hash >= 0) {
            int d = number(original, "day-of-week", s.substring(0, hash), 1, 7, DAYS, 1,
                    "n#k means the k-th day n of the month, e.g. 2#1 (first Monday)");
            int k = number(original, "day-of-week", s.substring(hash + 1), 1, 5, null, 0,
                    "the k of n#k is 1 to 5, e.g. 2#1 (first Monday)");
            return new DayOfWeekSpec(false, null, 0, k, d);
        }
        return new DayOfWeekSpec(false, set(original, "day-of-week", s, 1, 7, DAYS, 1), 0, 0, 0);
    }

    private static BitSet set(String original, String field, String s, int min, int max, List<String> names,
            int nameBase) {
        BitSet bits = new BitSet();
        String help = range(field, min, max, names);
        if (s.isEmpty()) {
            throw new InvalidInputException("schedule", original, field + " field is empty; " + help);
        }
        for (String part : s.split(",", -1)) {
            if (part.isEmpty()) {
                throw new InvalidInputException("schedule", original,
                        field + " field '" + s + "' has an empty list element; " + help);
            }
            int from;
            int to;
            int step = 1;
            String base = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                base = part.substring(0, slash);
                step = number(original, field, part.substring(slash + 1), 1, max - min + 1, null, 0,
                        "a step '/n' is a whole number from 1 to " + (max - min + 1));
            }
            if (base.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = base.indexOf('-');
                if (dash > 0) {
                    from = number(original, field, base.substring(0, dash), min, max, names, nameBase, help);
                    to = number(original, field, base.substring(dash + 1), min, max, names, nameBase, help);
                    if (from > to) {
                        throw new InvalidInputException("schedule", original,
                                field + " range '" + base + "' runs backwards; write it low-high, e.g. "
                                        + (names == null ? min + "-" + max : names.get(0) + "-" + names.get(names.size() - 1)));
                    }
                } else {
                    from = number(original, field, base, min, max, names, nameBase, help);
                    to = slash >= 0 ? max : from;
                }
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String original, String field, String s, int min, int max, List<String> names,
            int nameBase, String help) {
        if (names != null) {
            int i = names.indexOf(s);
            if (i >= 0) {
                return i + nameBase;
            }
        }
        if (s.isEmpty() || s.length() > 6 || !s.chars().allMatch(Character::isDigit)) {
            throw new InvalidInputException("schedule", original,
                    field + " field value '" + s + "' is not understood; " + help);
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new InvalidInputException("schedule", original,
                    field + " field value " + v + " is out of range " + min + "-" + max + "; " + help);
        }
        return v;
    }

    private static String range(String field, int min, int max, List<String> names) {
        String r = "the " + field + " field takes " + min + "-" + max;
        if (names != null) {
            r += " or " + names.get(0) + "-" + names.get(names.size() - 1);
        }
        return r + ", '*', lists (a,b), ranges (a-b) and steps (*/n)";
    }

    Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        // Start at the next whole minute after 'after', in local time.
        LocalDateTime start = LocalDateTime.ofInstant(after, zone).withSecond(0).withNano(0).plusMinutes(1);
        LocalDate day = start.toLocalDate();
        boolean firstDay = true;
        while (day.getYear() <= MAX_YEAR) {
            if (!years.get(day.getYear())) {
                int y = years.nextSetBit(day.getYear());
                if (y < 0 || y > MAX_YEAR) {
                    return Optional.empty();
                }
                day = LocalDate.of(y, 1, 1);
                firstDay = false;
                continue;
            }
            if (!months.get(day.getMonthValue())) {
                day = day.with(TemporalAdjusters.firstDayOfNextMonth());
                firstDay = false;
                continue;
            }
            if (dayMatches(day)) {
                LocalTime from = firstDay ? start.toLocalTime() : LocalTime.MIDNIGHT;
                for (int h = hours.nextSetBit(from.getHour()); h >= 0 && h <= 23; h = hours.nextSetBit(h + 1)) {
                    int m0 = h == from.getHour() ? from.getMinute() : 0;
                    for (int m = minutes.nextSetBit(m0); m >= 0 && m <= 59; m = minutes.nextSetBit(m + 1)) {
                        LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
                        ZonedDateTime z = ZonedDateTime.ofLocal(local, zone, null);
                        // A local time skipped by a daylight-saving jump does not exist: no fire.
                        if (z.toLocalDateTime().equals(local) && z.toInstant().isAfter(after)) {
                            return Optional.of(z.toInstant());
                        }
                    }
                }
            }
            day = day.plusDays(1);
            firstDay = false;
        }
        return Optional.empty();
    }

    private boolean dayMatches(LocalDate day) {
        if (!dom.any()) {
            int last = day.lengthOfMonth();
            if (dom.last()) {
                return day.getDayOfMonth() == last;
            }
            if (dom.lastWeekday()) {
                return day.equals(nearestWeekday(day.withDayOfMonth(last)));
            }
            if (dom.nearestWeekday() > 0) {
                if (dom.nearestWeekday() > last) {
                    return false;
                }
                return day.equals(nearestWeekday(day.withDayOfMonth(dom.nearestWeekday())));
            }
            return dom.days().get(day.getDayOfMonth());
        }
        int d = cronDay(day.getDayOfWeek());
        if (dow.lastOf() > 0) {
            return d == dow.lastOf() && day.plusDays(7).getMonthValue() != day.getMonthValue();
        }
        if (dow.nth() > 0) {
            return d == dow.nthDay() && (day.getDayOfMonth() - 1) / 7 + 1 == dow.nth();
        }
        return dow.days().get(d);
    }

    /** The weekday nearest to a date without leaving its month (Quartz's W rule). */
    private static LocalDate nearestWeekday(LocalDate target) {
        DayOfWeek w = target.getDayOfWeek();
        if (w == DayOfWeek.SATURDAY) {
            return target.getDayOfMonth() == 1 ? target.plusDays(2) : target.minusDays(1);
        }
        if (w == DayOfWeek.SUNDAY) {
            return target.getDayOfMonth() == target.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
        }
        return target;
    }

    /** 1 = Sunday ... 7 = Saturday, as in AWS cron. */
    static int cronDay(DayOfWeek w) {
        return w.getValue() % 7 + 1;
    }
}
