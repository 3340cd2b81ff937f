package dev.opskit.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One LocalAws for a test class that drives it with the AWS CLI: skips the class without the CLI,
 * starts LocalAws before the first test and always stops it after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalAwsForCli LOCAL = new LocalAwsForCli(LocalAws::start);
 * }</pre>
 */
final class LocalAwsForCli implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<LocalAws> starter;
    private LocalAws aws;

    /** {@code starter} is called in before-all, so it may use the class's static {@code @TempDir}. */
    LocalAwsForCli(Supplier<LocalAws> starter) {
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        AwsCli.assumeInstalled();
        aws = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (aws != null) {
            aws.close();
            aws = null;
        }
    }

    /** The running LocalAws. */
    LocalAws aws() {
        return aws;
    }

    /** The CLI signing as LocalAws's default account. */
    AwsCli cli() {
        return AwsCli.against(aws, aws.defaultAccount());
    }
}
