package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image to build without a Docker daemon (through Jib): a base image or none, file layers,
 * entrypoint, command, environment, working directory and architecture. {@link #pushTo} gives
 * the runbook that builds and pushes it to ECR. Files keep their paths and get mode 755, so
 * scripts are executable, as the seed's Dockerfile's {@code chmod 755} makes them.
 *
 * <pre>{@code
 * PushedImage image = ContainerImage.from("public.ecr.aws/lambda/provided:al2023")
 *         .file(Path.of("bootstrap"), "/var/runtime/bootstrap")
 *         .file(Path.of("function.sh"), "/var/task/function.sh")
 *         .cmd("function.handler")
 *         .pushTo(repo, "v1", ctx)
 *         .run();
 * }</pre>
 */
public final class ContainerImage {
    /** One file of a layer: where it comes from and its absolute path in the image. */
    record ImageFile(Path source, String target) {
    }

    final String base;
    final List<ImageFile> files = new ArrayList<>();
    List<String> entrypoint;
    List<String> cmd;
    final Map<String, String> env = new LinkedHashMap<>();
    String workdir;
    Architecture architecture = Architecture.X86_64;
    final Map<String, String> mirrors = new LinkedHashMap<>();

    private ContainerImage(String base) {
        this.base = base;
    }

    /**
     * An image on top of a base image, e.g. {@code public.ecr.aws/lambda/provided:al2023}, pulled
     * from its registry (or a {@linkplain #registryMirror mirror}) for the chosen architecture.
     *
     * @param baseImage a reference with a tag or digest
     * @return the image
     * @throws InvalidInputException if blank
     */
    public static ContainerImage from(String baseImage) {
        if (baseImage == null || baseImage.isBlank()) {
            throw new InvalidInputException("baseImage", baseImage, "give a reference such as "
                    + "public.ecr.aws/lambda/provided:al2023, or use fromScratch()");
        }
        return new ContainerImage(baseImage);
    }

    /**
     * An image with no base: only the files added here (a static binary {@code bootstrap}).
     *
     * @return the image
     */
    public static ContainerImage fromScratch() {
        return new ContainerImage(null);
    }

    /**
     * Adds a file, mode 755, at an absolute path in the image (all files go into one layer).
     *
     * @param source a regular file
     * @param target an absolute path such as {@code /var/runtime/bootstrap}
     * @return this image
     * @throws InvalidInputException if the file is missing or the target not absolute
     */
    public ContainerImage file(Path source, String target) {
        Objects.requireNonNull(source, "source");
        if (!Files.isRegularFile(source)) {
            throw new InvalidInputException("file", source.toString(), "no such regular file; give the path of a file "
                    + "to put into the image");
        }
        if (target == null || !target.startsWith("/") || target.endsWith("/") || target.contains("/../")) {
            throw new InvalidInputException("target", target, "give an absolute file path such as /var/task/function.sh");
        }
        files.add(new ImageFile(source, target));
        return this;
    }

    /**
     * @param entrypoint the image's ENTRYPOINT (default: the base image's)
     * @return this image
     */
    public ContainerImage entrypoint(String... entrypoint) {
        this.entrypoint = List.of(entrypoint);
        return this;
    }

    /**
     * @param cmd the image's CMD; for Lambda's provided images, the handler, e.g. {@code function.handler}
     * @return this image
     */
    public ContainerImage cmd(String... cmd) {
        this.cmd = List.of(cmd);
        return this;
    }

    /**
     * @param name an environment variable of the image
     * @param value its value (not a secret: image configs are readable by anyone who can pull)
     * @return this image
     */
    public ContainerImage env(String name, String value) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new InvalidInputException("env name", name, "use letters, digits and _, not starting with a digit");
        }
        env.put(name, Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * @param workdir the absolute working directory (default: the base image's)
     * @return this image
     */
    public ContainerImage workdir(String workdir) {
        if (workdir == null || !workdir.startsWith("/")) {
            throw new InvalidInputException("workdir", workdir, "give an absolute path such as /var/task");
        }
        this.workdir = workdir;
        return this;
    }

    /**
     * @param architecture what the image runs on (default x86_64); a multi-platform base gives
     *     that platform's image
     * @return this image
     */
    public ContainerImage architecture(Architecture architecture) {
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        return this;
    }

    /**
     * Pulls images of a registry from a mirror instead, e.g. {@code public.ecr.aws} from a local
     * registry ({@code LocalAws.lambda().publicGallery()}).
     *
     * @param registry the registry host as it appears in the base image reference
     * @param mirror the mirror's host[:port]
     * @return this image
     */
    public ContainerImage registryMirror(String registry, String mirror) {
        mirrors.put(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(mirror, "mirror"));
        return this;
    }

    /**
     * The runbook that builds this image and pushes it to a repository under a tag.
     *
     * @param repository the target repository (from {@link EcrRepositories#ensure})
     * @param tag the tag, 1 to 128 letters, digits, {@code _ . -}
     * @param ctx the account and region of the repository
     * @return the push; call {@link ImagePush#run()}
     * @throws InvalidInputException if the tag is malformed
     */
    public ImagePush pushTo(EcrRepository repository, String tag, AwsContext ctx) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(ctx, "ctx");
        if (tag == null || !tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
            throw new InvalidInputException("tag", tag, "use 1 to 128 letters, digits, _ . or -, e.g. v1");
        }
        if (files.isEmpty() && base == null) {
            throw new InvalidInputException("files", null, "an image from scratch needs at least one file");
        }
        return new ImagePush(this, repository, tag, ctx);
    }

    /** @return the files' targets, in order */
    public List<String> targets() {
        return files.stream().map(ImageFile::target).toList();
    }

    @Override
    public String toString() {
        return "ContainerImage[" + (base == null ? "scratch" : base) + " + " + targets() + ", " + architecture.lambdaName()
                + (cmd == null ? "" : ", cmd " + cmd) + "]";
    }
}
