package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An address events can be sent to, as Knative's {@code status.address}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Addressable {

    /** URL that accepts CloudEvents over HTTP POST. */
    public String url;

    /** Creates an empty address, for Jackson. */
    public Addressable() {
    }

    /** @param url the address's URL */
    public Addressable(String url) {
        this.url = url;
    }
}
