package dev.opskit.lambda;

/** The instruction set a function runs on, as Lambda names it, with the image platform's name. */
public enum Architecture {
    /** {@code x86_64}; images for {@code linux/amd64}. */
    X86_64("x86_64", "amd64"),
    /** {@code arm64}; images for {@code linux/arm64}. */
    ARM64("arm64", "arm64");

    private final String lambdaName;
    private final String platform;

    Architecture(String lambdaName, String platform) {
        this.lambdaName = lambdaName;
        this.platform = platform;
    }

    /** @return Lambda's name, {@code x86_64} or {@code arm64} */
    public String lambdaName() {
        return lambdaName;
    }

    /** @return the image config's {@code architecture}, {@code amd64} or {@code arm64} */
    public String platform() {
        return platform;
    }

    /**
     * @param platform an image config's {@code architecture}
     * @return the architecture, or null if Lambda has none for it
     */
    public static Architecture ofPlatform(String platform) {
        for (Architecture a : values()) {
            if (a.platform.equals(platform)) {
                return a;
            }
        }
        return null;
    }
}
