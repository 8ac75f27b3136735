package dev.kiln.sources.http;

import io.vertx.core.buffer.Buffer;

/** A signature over a body, checked while the body streams in: GitHub's and GitLab's HMACs. */
public interface BodySignature {

    /** @param chunk the next bytes of the raw body */
    void update(Buffer chunk);

    /** @return the index of the secret that signed the body (0 the current one, 1 the previous one), or -1 */
    int signedBy();

    /** @return why a body was refused when no secret signed it */
    String mismatch();
}
