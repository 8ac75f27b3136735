package dev.kiln.local.manifests;

import java.util.List;

/** Manifests that cannot run: every problem, each with its file, document and field path. */
public final class ManifestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /** @param problems one line each: {@code file#doc Kind ns/name: path: message} */
    public ManifestException(List<String> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the manifests:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, one line each */
    public List<String> problems() {
        return problems;
    }
}
