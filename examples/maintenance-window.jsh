// The SSM maintenance-window runbook, replayed on LocalAws: create a window on rate(5 minutes),
// register an instance target and an AWS-RunShellScript task running `ls`, list executions, then
// change the schedule to a one-time at(...). LocalAws runs on a virtual clock here, so five
// minutes pass at once; point `ctx` at real AWS (AwsContext.defaults()) to do it for real.
//
// Run from the repository root:
//   bin/opskit-shell examples/maintenance-window.jsh

import dev.opskit.core.*;
import dev.opskit.ssm.*;
import dev.opskit.ssm.event.*;
import dev.opskit.testkit.*;
import java.time.*;
import java.time.temporal.ChronoUnit;

var time = VirtualTime.startingAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));
var aws = LocalAws.builder().clock(time.clock()).start();
var ctx = aws.context();
var instanceId = aws.instances().list().get(0).id();

// The definition; plan() says what apply() would do and changes nothing.
var definition = MaintenanceWindows.create("patch-window").
        schedule(Schedule.rate(5, ChronoUnit.MINUTES)).
        duration(Duration.ofHours(2)).cutoff(Duration.ofHours(1)).
        allowUnassociatedTargets(true).
        target(Targets.instances(instanceId)).
        task(Tasks.runCommand("AWS-RunShellScript").commands("ls", "echo hello from $(pwd)").
                maxConcurrency("1").maxErrors("1").priority(10)).
        listener(WindowChanged.class, e -> System.out.println("  " + e.message())).
        context(ctx);
System.out.println(definition.plan());

// Safe to run again: a second apply() finds the window by name and changes nothing.
var window = definition.apply();
System.out.println(window + " " + window.changes());
System.out.println("again: " + MaintenanceWindows.create("patch-window").
        schedule(Schedule.rate(5, ChronoUnit.MINUTES)).allowUnassociatedTargets(true).
        target(Targets.instances(instanceId)).
        task(Tasks.runCommand("AWS-RunShellScript").commands("ls", "echo hello from $(pwd)").
                maxConcurrency("1").maxErrors("1").priority(10)).
        context(ctx).apply().changes());

time.advance(Duration.ofMinutes(5));
window.events().subscribe(TaskInvocationFinished.class, e -> System.out.println("  " + e.message()));
var execution = window.awaitNextExecution(Duration.ofSeconds(30));
System.out.println(execution.id() + " " + execution.status());
execution.invocations().forEach(i -> System.out.println(i.instanceId() + " " + i.status() + ":\n"
        + i.output().map(Invocation.CommandOutput::stdout).orElse("")));
window.executions().forEach(e -> System.out.println(e.id() + " " + e.status() + " " + e.startTime()));

// One more run, once, ten minutes from now in the window's time zone (UTC).
var at = LocalDateTime.ofInstant(time.now().plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
window.reschedule(Schedule.at(at));
System.out.println("rescheduled to " + window.schedule() + ", next " + window.nextExecutionTime().orElse("none"));
time.advance(Duration.ofMinutes(10));
System.out.println("one-time run: " + window.awaitNextExecution(Duration.ofSeconds(30)).status());

window.delete();
ctx.close();
aws.close();
/exit
