package dev.kiln.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code ResourceQuota} admission plugin for object counts ({@code count/<resource>.<group>} in a quota's
 * {@code spec.hard}), on creates, modelled on kubernetes {@code plugin/pkg/admission/resourcequota/controller.go}
 * {@code checkRequest} (read, not copied): a create that would take the namespace's count past the quota is refused,
 * 403, {@code <resource>.<group> "<name>" is forbidden: exceeded quota: <quota>, requested: <r>=1, used: <r>=<n>,
 * limited: <r>=<hard>}. The quota's usage is what its controller would report: the objects stored in the namespace.
 * Compute quotas ({@code requests.cpu}...) are not modelled.
 */
final class ResourceQuotaAdmission {

    private ResourceQuotaAdmission() {
    }

    /**
     * @param api a create
     * @param list a collection path → its stored list ({@code {"items": [...]}})
     * @return the refusal's reason (after {@code is forbidden: }), or empty when no quota is exceeded
     */
    static Optional<String> refusal(ApiRequest api, Function<String, JsonNode> list) {
        if (!"create".equals(api.verb()) || api.namespace() == null || api.subresource() != null) {
            return Optional.empty();
        }
        String counted = "count/" + api.resource() + (api.group().isEmpty() ? "" : "." + api.group());
        String collection = api.path().replaceAll("\\?.*", "");
        for (JsonNode quota : list.apply("/api/v1/namespaces/" + api.namespace() + "/resourcequotas").path("items")) {
            JsonNode hard = quota.path("spec").path("hard").path(counted);
            if (hard.isMissingNode()) {
                continue;
            }
            long limit = Long.parseLong(hard.asText());
            long used = list.apply(collection).path("items").size();
            if (used + 1 > limit) {
                return Optional.of("exceeded quota: " + quota.path("metadata").path("name").asText() + ", requested: " + counted + "=1, used: "
                        + counted + "=" + used + ", limited: " + counted + "=" + limit);
            }
        }
        return Optional.empty();
    }
}
