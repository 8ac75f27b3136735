package dev.kiln.sources.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A webhook receiver: authenticates the raw request, maps it to a CloudEvent and answers once the sink has
 * accepted it. Independent of the HTTP server, so the same receiver runs in the adapter's own server and
 * behind {@code kiln dev}'s port.
 *
 * <p>A delivery is received in three steps, so that a sender nobody vouched for costs as little as possible: the
 * headers alone decide what they can (a missing signature, a missing event header, an unsupported content type)
 * before a byte of the body is read; the body is then seen chunk by chunk as it arrives (an HMAC is computed while
 * it streams, never over a second copy); only the complete, authenticated body is parsed and forwarded.
 */
public interface Webhook {

    /**
     * What to answer.
     *
     * @param status the HTTP status
     * @param message a short plain-text explanation
     */
    record Response(int status, String message) {
    }

    /**
     * Begins a delivery from its headers.
     *
     * @param headers the request's headers (case-insensitive)
     * @return the delivery; its {@link Delivery#refusal()} says whether to read the body at all
     */
    Delivery begin(MultiMap headers);

    /** One delivery being received. */
    interface Delivery {

        /** @return the answer the headers alone decided (the body is then not read), or null to read the body */
        Response refusal();

        /** @param chunk the next bytes of the raw body, as they arrived */
        void update(Buffer chunk);

        /**
         * @param body the whole raw body, exactly as sent (signatures cover these); {@link #update} saw all of it
         * @return the answer; never a failed future
         */
        Future<Response> complete(byte[] body);
    }

    /**
     * Receives a whole delivery at once: what a caller holding the complete body (a test, a fuzzer) does.
     *
     * @param webhook the receiver
     * @param headers the headers
     * @param body the raw body
     * @return the answer
     */
    static Future<Response> receive(Webhook webhook, MultiMap headers, byte[] body) {
        Delivery delivery = webhook.begin(headers);
        if (delivery.refusal() != null) {
            return Future.succeededFuture(delivery.refusal());
        }
        delivery.update(Buffer.buffer(body));
        return delivery.complete(body);
    }

    /**
     * @param response the answer the headers decided
     * @return a delivery that reads nothing and answers {@code response}
     */
    static Delivery refused(Response response) {
        return new Delivery() {
            @Override
            public Response refusal() {
                return response;
            }

            @Override
            public void update(Buffer chunk) {
                throw new IllegalStateException("a refused delivery reads no body");
            }

            @Override
            public Future<Response> complete(byte[] body) {
                return Future.succeededFuture(response);
            }
        };
    }
}
