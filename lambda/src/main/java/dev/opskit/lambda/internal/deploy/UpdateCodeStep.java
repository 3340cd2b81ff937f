package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * Points the function at the image (and architecture) unless it runs it already, and waits for
 * the update; also waits out an update a crashed run left in progress.
 */
final class UpdateCodeStep implements Step {
    private final DeployRun run;

    UpdateCodeStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "update code";
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<GetFunctionResponse> f = run.current();
        if (f.isEmpty()) {
            return Observation.noChange("the function is created with this image");
        }
        FunctionConfiguration c = f.get().configuration();
        if (c.packageType() != PackageType.IMAGE) {
            throw new InvalidInputException("function", run.spec.name(), "it exists with package type "
                    + c.packageTypeAsString() + "; a function cannot switch to a container image: deploy under "
                    + "another name or delete it first");
        }
        String wanted = DeployRun.codeSha(run.image(ctx));
        String arch = c.architectures().isEmpty() ? "x86_64" : c.architectures().get(0).toString();
        boolean busy = c.state() == State.PENDING || c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS;
        boolean failed = c.state() == State.FAILED || c.lastUpdateStatus() == LastUpdateStatus.FAILED;
        if (wanted.equals(c.codeSha256()) && arch.equals(run.spec.architecture()) && !failed) {
            return busy ? Observation.change("the function is being updated to this image (" + c.stateAsString() + ", "
                    + c.lastUpdateStatusAsString() + ")", "wait for the update to finish")
                    : Observation.noChange("the function runs sha256:" + wanted + " on " + arch);
        }
        return Observation.change("the function runs sha256:" + c.codeSha256() + " on " + arch
                        + (failed ? " and its last change failed (" + c.lastUpdateStatusReasonCodeAsString() + ")" : ""),
                "update its code to " + run.image(ctx) + " on " + run.spec.architecture() + " and wait until it is done");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        FunctionConfiguration before = run.configuration();
        String image = run.image(ctx);
        boolean busy = before.state() == State.PENDING || before.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS;
        if (busy) {
            run.awaitSettled(ctx);
            before = run.configuration();
            String arch = before.architectures().isEmpty() ? "x86_64" : before.architectures().get(0).toString();
            if (DeployRun.codeSha(image).equals(before.codeSha256()) && arch.equals(run.spec.architecture())) {
                return "the update in progress finished with sha256:" + before.codeSha256();
            }
        }
        String from = before.codeSha256();
        run.lambda.updateFunctionCode(r -> r.functionName(run.spec.name()).imageUri(image)
                .architectures(Architecture.fromValue(run.spec.architecture())));
        run.awaitSettled(ctx);
        run.changed(ctx, "code", "image sha256:" + from + " -> " + image);
        return "updated the code to " + image;
    }
}
