package dev.opskit.core.event;

import dev.opskit.core.internal.Durations;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Human progress for a terminal or JShell: one line per step result, and for waits and retries a
 * single line rewritten in place (with {@code \r}) on every attempt, so a ten-minute wait or a
 * throttled API shows as one updating line rather than a hundred.
 *
 * <pre>{@code
 * bus.subscribe(ConsoleProgress.to(System.out));
 * // 10:02:03 rb-3f9a1c7e  > runbook started on orders
 * // 10:02:03 rb-3f9a1c7e  - enable binlog: skipped, binlog_format is ROW
 * // 10:02:41 rb-3f9a1c7e  ~ create clone: DB cluster orders-clone creating, attempt 7, 38s, next in 8s
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ConsoleProgress implements EventListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final ZoneId zone;
    private int progressWidth;

    private ConsoleProgress(PrintStream out, ZoneId zone) {
        this.out = out;
        this.zone = zone;
    }

    /**
     * @param out where to print, e.g. {@code System.out}
     * @return the listener, showing times in the system time zone
     */
    public static ConsoleProgress to(PrintStream out) {
        return new ConsoleProgress(Objects.requireNonNull(out, "out"), ZoneId.systemDefault());
    }

    /**
     * @param zone the time zone for the times shown
     * @return a copy showing times in that zone
     */
    public ConsoleProgress inZone(ZoneId zone) {
        return new ConsoleProgress(out, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public synchronized void onEvent(OpsEvent event) {
        String prefix = TIME.format(event.time().atZone(zone)) + " " + (event.runbookId() == null ? "" : event.runbookId() + "  ");
        if (event instanceof Waiting w) {
            String line = prefix + "~ " + (w.step() == null ? "" : w.step() + ": ") + w.resource() + " "
                    + w.observedState() + ", attempt " + w.attempt() + ", " + Durations.human(w.elapsed())
                    + (w.nextDelay() == null ? "" : ", next in " + Durations.human(w.nextDelay()));
            int pad = Math.max(0, progressWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            progressWidth = line.length();
            out.flush();
            return;
        }
        if (event instanceof Retrying r) {
            String line = prefix + "~ " + (r.step() == null ? "" : r.step() + ": ") + "retrying, " + r.condition()
                    + " (attempt " + r.attempt() + ", next in " + Durations.human(r.nextDelay()) + ")";
            int pad = Math.max(0, progressWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            progressWidth = line.length();
            out.flush();
            return;
        }
        if (progressWidth > 0) {
            // End the progress line where it is, so the last wait state stays visible.
            out.println();
            progressWidth = 0;
        }
        out.println(prefix + symbol(event) + " " + text(event));
        out.flush();
    }

    private static String symbol(OpsEvent e) {
        if (e instanceof StepSucceeded) {
            return "+";
        } else if (e instanceof StepSkipped) {
            return "-";
        } else if (e.severity() == OpsEvent.Severity.ERROR) {
            return "!";
        } else if (e.severity() == OpsEvent.Severity.WARNING) {
            return "?";
        } else if (e instanceof RunbookStarted || e instanceof StepStarted) {
            return ">";
        } else if (e instanceof RunbookFinished f) {
            return f.succeeded() ? "=" : "!";
        }
        return "*";
    }

    private static String text(OpsEvent e) {
        if (e instanceof StepSkipped s) {
            return s.step() + ": skipped, " + s.reason();
        } else if (e instanceof StepSucceeded s) {
            return s.step() + ": done in " + Durations.human(s.elapsed()) + (s.result() == null ? "" : ", " + s.result());
        } else if (e instanceof StepFailed s) {
            return s.step() + ": FAILED after " + Durations.human(s.elapsed()) + ", " + s.error();
        }
        String attrs = e.attributes().isEmpty() ? "" : " " + e.attributes();
        return (e.step() == null || e instanceof StepStarted ? "" : e.step() + ": ") + e.message() + attrs;
    }
}
