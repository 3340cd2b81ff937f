package dev.opskit.ssm;

/** The kinds of maintenance-window task, as SSM names them. */
public enum TaskType {
    /** A Run Command document, e.g. {@code AWS-RunShellScript}, on the window's targets. */
    RUN_COMMAND,
    /** An Automation runbook. */
    AUTOMATION,
    /** A Lambda function. */
    LAMBDA,
    /** A Step Functions state machine. */
    STEP_FUNCTIONS
}
