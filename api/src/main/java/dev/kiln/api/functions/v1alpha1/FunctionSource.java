package dev.kiln.api.functions.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where a Function's source code is. Git is the only kind of source today. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionSource {

    /** A Git repository, revision and directory. */
    public GitSource git;
}
