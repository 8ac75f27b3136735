package dev.kiln.controller.push;

import dev.kiln.builder.push.Push;
import dev.kiln.builder.push.PushEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's push endpoint: a Trigger on the Broker the GitHub or GitLab source sends to subscribes it
 * ({@code examples/push-rebuild-trigger.yaml}). Binary and structured CloudEvents are read with the CloudEvents
 * SDK. Answers: 202 for a push, with the Functions asked to rebuild in the {@value #REBUILT} header; 200 for
 * events that are not pushes (nothing to retry); 400 with a message for anything that is not a CloudEvent or not a
 * push payload, which a retry would not mend; 503 before the Function informer has started, which a retry mends.
 * A 2xx carries no body: Knative's dispatchers treat a non-empty 2xx body that is not a CloudEvent as a failed
 * delivery (502), so an informative body would be retried and dead-lettered. Only Knative Eventing's dispatchers
 * may reach it ({@code config/600-push-network-policy.yaml}).
 */
@Path("/events/push")
public class PushResource {

    /** The header naming the Functions a push asked to rebuild, {@code namespace/name}, comma-separated. */
    public static final String REBUILT = "Kiln-Rebuilt";
    /** The header saying why an event was not a push. */
    public static final String IGNORED = "Kiln-Ignored";

    private final PushRouter router;

    /**
     * @param client the client Functions are annotated with
     * @param functions the Functions by repository, from the Function reconciler's informer cache
     */
    public PushResource(KubernetesClient client, FunctionsByRepository functions) {
        this.router = new PushRouter(client, functions);
    }

    /**
     * @param headers the request's headers (binary mode: {@code ce-*})
     * @param body the request's body
     * @return what was done
     */
    @POST
    public Response receive(@Context HttpHeaders headers, byte[] body) {
        CloudEvent event;
        try {
            MessageReader reader = HttpMessageFactory.createReader(
                    each -> headers.getRequestHeaders().forEach((name, values) -> each.accept(name, String.join(",", values))),
                    body == null ? new byte[0] : body);
            event = reader.toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            return answer(400, Map.of("error", "not a CloudEvent: " + e.getMessage()));
        }
        Optional<Push> push;
        try {
            push = PushEvents.parse(event.getType(), event.getId(), event.getData() == null ? null : event.getData().toBytes());
        } catch (IllegalArgumentException e) {
            return answer(400, Map.of("error", e.getMessage()));
        }
        if (push.isEmpty()) {
            return Response.status(200).header(IGNORED, event.getType() + " is not a push event").build();
        }
        List<String> functions;
        try {
            functions = router.route(push.get());
        } catch (IllegalStateException e) {
            // Before the informer has started: the dispatcher retries a 503, so the push is not lost.
            return answer(503, Map.of("error", e.getMessage()));
        }
        return Response.status(202).header(REBUILT, String.join(",", functions)).build();
    }

    private static Response answer(int status, Map<String, ?> body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
