package dev.opskit.lambda.internal.push;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.WrongStateException;
import dev.opskit.lambda.RegistryLogin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * Builds and pushes an image through Jib core: reproducible layers (timestamps of 1970), Docker
 * v2.2 format (which Lambda takes), one platform, credentials from the ECR login. TLS
 * certificates are checked, except for registries on this machine's loopback address (LocalAws).
 */
public final class JibPush {
    private JibPush() {
    }

    /** The digest Jib pushed, {@code sha256:...}. */
    public static String push(ImageSpec spec, String repositoryUri, String tag, RegistryLogin login, Path cache,
            BiConsumer<Double, String> progress) {
        String target = repositoryUri + ":" + tag;
        try {
            JibContainerBuilder b = spec.base() == null ? Jib.fromScratch() : Jib.from(RegistryImage.named(spec.base()));
            b.setFormat(ImageFormat.Docker);
            b.setPlatforms(Set.of(new Platform(spec.platform(), "linux")));
            if (!spec.files().isEmpty()) {
                FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("function");
                for (Map.Entry<Path, String> f : spec.files()) {
                    layer.addEntry(f.getKey(), AbsoluteUnixPath.get(f.getValue()), FilePermissions.fromOctalString("755"));
                }
                b.addFileEntriesLayer(layer.build());
            }
            if (spec.entrypoint() != null) {
                b.setEntrypoint(spec.entrypoint());
            }
            if (spec.cmd() != null) {
                b.setProgramArguments(spec.cmd());
            }
            spec.env().forEach(b::addEnvironmentVariable);
            if (spec.workdir() != null) {
                b.setWorkingDirectory(AbsoluteUnixPath.get(spec.workdir()));
            }
            RegistryImage to = RegistryImage.named(ImageReference.parse(target))
                    .addCredential(login.username(), login.password().reveal());
            Files.createDirectories(cache);
            Containerizer c = Containerizer.to(to)
                    .setToolName("opskit")
                    .setBaseImageLayersCache(cache.resolve("base"))
                    .setApplicationLayersCache(cache.resolve("application"))
                    .setAllowInsecureRegistries(loopbackOnly(spec, repositoryUri));
            spec.mirrors().forEach((registry, mirror) -> c.addRegistryMirrors(registry, List.of(mirror)));
            Progress tracker = new Progress(progress);
            c.addEventHandler(ProgressEvent.class, tracker::accept);
            c.addEventHandler(LogEvent.class, e -> {
                if (e.getLevel() == LogEvent.Level.ERROR) {
                    progress.accept(-1.0, e.getMessage());
                }
            });
            JibContainer pushed = b.containerize(c);
            tracker.done();
            return pushed.getDigest().toString();
        } catch (InvalidImageReferenceException e) {
            throw new InvalidInputException("image reference", e.getMessage(), "give host/repository:tag");
        } catch (RegistryUnauthorizedException e) {
            throw new OpsException("The registry refused the login for " + e.getImageReference()
                    + "; the ECR password may have expired: run again to get a new one", target, null, e);
        } catch (ExecutionException e) {
            throw translate(target, e.getCause() == null ? e : e.getCause());
        } catch (RegistryException e) {
            throw translate(target, e);
        } catch (IOException e) {
            throw new OpsException("Building " + target + " failed: " + e.getMessage(), target, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while pushing " + target + "; run again to finish", target, null, e);
        } catch (com.google.cloud.tools.jib.api.CacheDirectoryCreationException e) {
            throw new OpsException("Jib cannot create its layer cache under " + cache + ": " + e.getMessage(), e);
        }
    }

    private static OpsException translate(String target, Throwable e) {
        String text = String.valueOf(e.getMessage());
        if (text.contains("TAG_INVALID") || text.contains("cannot be overwritten because the repository is immutable")) {
            return new ConflictException(target, "Tag of " + target + " already holds another image and the repository"
                    + " is immutable: push under a new tag (" + text + ")");
        }
        if (text.contains("NAME_UNKNOWN")) {
            return new WrongStateException(target, "missing", "The repository of " + target + " does not exist: ECR "
                    + "does not create repositories on push; ensure it first with EcrRepositories.ensure(...)");
        }
        return new OpsException("Pushing " + target + " failed: " + e, target, null, e);
    }

    private static boolean loopbackOnly(ImageSpec spec, String repositoryUri) {
        boolean target = loopback(repositoryUri);
        boolean mirrors = spec.mirrors().values().stream().allMatch(JibPush::loopback);
        boolean base = spec.base() == null || loopback(spec.base()) || spec.mirrors().containsKey(host(spec.base()));
        return target && mirrors && base;
    }

    private static String host(String ref) {
        int slash = ref.indexOf('/');
        return slash < 0 ? ref : ref.substring(0, slash);
    }

    private static boolean loopback(String ref) {
        String host = host(ref);
        return host.startsWith("127.") || host.startsWith("localhost:") || host.equals("localhost")
                || host.startsWith("[::1]");
    }

    /** Sums Jib's progress allocations into one fraction, reported every 5% and at the end. */
    private static final class Progress {
        private final BiConsumer<Double, String> sink;
        private double done;
        private double reported = -1;

        Progress(BiConsumer<Double, String> sink) {
            this.sink = sink;
        }

        synchronized void accept(ProgressEvent e) {
            long units = e.getAllocation().getAllocationUnits();
            if (units > 0) {
                done += e.getAllocation().getFractionOfRoot() * e.getUnits() / units;
            }
            double f = Math.min(1.0, done);
            if (f - reported >= 0.05) {
                reported = f;
                sink.accept(f, e.getAllocation().getDescription());
            }
        }

        synchronized void done() {
            if (reported < 1.0) {
                reported = 1.0;
                sink.accept(1.0, "pushed");
            }
        }
    }
}
