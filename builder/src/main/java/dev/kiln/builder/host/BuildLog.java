package dev.kiln.builder.host;

/**
 * Where a host build reports as it goes: every line of the build's output as it is written, and the step it is in.
 * Called from the build's thread; implementations must be quick and thread-safe across builds.
 */
public interface BuildLog {

    /** A log that discards everything. */
    BuildLog NONE = new BuildLog() {
        @Override
        public void line(String line) {
        }

        @Override
        public void progress(String step, String detail) {
        }
    };

    /**
     * One line of output (Maven's or the training run's), without its line terminator.
     *
     * @param line the line
     */
    void line(String line);

    /**
     * The build moved to a new step.
     *
     * @param step a short name: {@code source}, {@code maven}, {@code train}, {@code done}
     * @param detail what is happening, e.g. {@code compiler:compile @ greeter}
     */
    void progress(String step, String detail);
}
