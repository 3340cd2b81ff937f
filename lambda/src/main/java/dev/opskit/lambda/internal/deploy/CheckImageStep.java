package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.lambda.RegistryLogin;
import dev.opskit.lambda.internal.image.ImageChecks;
import dev.opskit.lambda.internal.image.ImageContents;
import dev.opskit.lambda.internal.image.ImageReferences;
import dev.opskit.lambda.internal.image.RegistryReader;
import dev.opskit.lambda.internal.repository.Logins;

/**
 * Reads the image from the function's own registry and checks it before anything is changed
 * (see {@link ImageChecks}); pins it by digest, as Lambda does, so that a tag moved later does not
 * change what is deployed.
 */
final class CheckImageStep implements Step {
    private final DeployRun run;

    CheckImageStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "check image";
    }

    @Override
    public Observation observe(RunContext ctx) {
        ImageReferences ref = ImageReferences.parse(run.spec.image());
        RegistryLogin login = Logins.login(run.aws);
        if (!ref.host().equals(login.registry())) {
            throw new InvalidInputException("image", run.spec.image(), "it is in registry " + ref.host()
                    + ", not in the registry of the function's account and region (" + login.registry() + ", "
                    + run.aws.region() + "): Lambda runs images from its own account's ECR in its own region; push "
                    + "the image there");
        }
        ImageContents image = new RegistryReader(login, ref.host()).read(ref);
        if (ref.digest() != null && !ref.digest().equals(image.digest())) {
            throw new InvalidInputException("image", run.spec.image(), "the registry holds " + image.digest()
                    + " under that digest");
        }
        String summary = ImageChecks.check(image, run.spec.image(), run.spec.platform(), run.spec.entrypoint(),
                run.spec.command());
        String pinned = ref.pinned(image.digest());
        run.remember(ctx, DeployRun.IMAGE, pinned);
        return Observation.noChange("image " + image.digest() + " (linux/" + image.architecture() + "): " + summary);
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        return observation.found();
    }
}
