package dev.kiln.local.functions;

import dev.kiln.builder.host.BuildLog;

/** A build's progress as the function's state ({@code Building}, with the step); its lines go to the build log only. */
public final class Progress {

    private Progress() {
    }

    /**
     * @param fn the function being built
     * @return the log that reports to it
     */
    public static BuildLog to(LocalFunction fn) {
        return new BuildLog() {
            @Override
            public void line(String line) {
            }

            @Override
            public void progress(String step, String detail) {
                fn.building(step + (detail == null ? "" : " " + detail));
            }
        };
    }
}
