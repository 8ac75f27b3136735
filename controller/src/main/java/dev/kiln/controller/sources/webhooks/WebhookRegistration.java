package dev.kiln.controller.sources.webhooks;

import dev.kiln.api.sources.v1alpha1.RegisteredWebhook;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a source's hooks as its spec says, through a forge's API: one hook per repository or project, at the public
 * URL with the spec's events and secret. What Kiln registered is remembered in the source's status with a digest of
 * its configuration, so a healthy source costs no API call; a hook that vanished (deleted by hand) is registered
 * again when its configuration next changes or its update finds it gone. A hook already at the URL (registered
 * by hand, or by a controller whose status write was lost) is adopted rather than doubled.
 */
public final class WebhookRegistration {

    private WebhookRegistration() {
    }

    /**
     * @param api the forge's API
     * @param targets the repositories or projects the spec lists
     * @param config what each hook must be
     * @param registered what the status says Kiln registered
     * @return what is registered now, in the order of {@code targets}
     * @throws HookApiException on the first request that failed (the hooks done before it are in the message's
     *     context only: the caller keeps {@code registered} and tries again)
     */
    public static List<RegisteredWebhook> sync(HookApi api, List<String> targets, HookApi.HookConfig config, List<RegisteredWebhook> registered)
            throws HookApiException {
        String digest = digest(config);
        List<RegisteredWebhook> now = new ArrayList<>();
        for (String target : targets) {
            Optional<RegisteredWebhook> before = registered.stream().filter(r -> target.equals(r.target)).findFirst();
            if (before.isPresent() && digest.equals(before.get().config)) {
                now.add(before.get());
                continue;
            }
            String id = null;
            if (before.isPresent()) {
                try {
                    api.update(target, before.get().id, config);
                    id = before.get().id;
                } catch (HookApiException e) {
                    if (!e.notFound()) {
                        throw e;
                    }
                }
            }
            if (id == null) {
                Optional<HookApi.Hook> atUrl = api.list(target).stream().filter(h -> Objects.equals(h.url(), config.url())).findFirst();
                if (atUrl.isPresent()) {
                    api.update(target, atUrl.get().id(), config);
                    id = atUrl.get().id();
                } else {
                    id = api.create(target, config);
                }
            }
            now.add(new RegisteredWebhook(target, id, digest));
        }
        for (RegisteredWebhook r : registered) {
            if (!targets.contains(r.target)) {
                api.delete(r.target, r.id);
            }
        }
        return now;
    }

    /**
     * Deletes every hook Kiln registered (a hook already gone is fine).
     *
     * @throws HookApiException on the first that could not be deleted
     */
    public static void deleteAll(HookApi api, List<RegisteredWebhook> registered) throws HookApiException {
        for (RegisteredWebhook r : registered) {
            api.delete(r.target, r.id);
        }
    }

    /** The secret is part of the digest (hashed with the rest: the status shows no secret). */
    static String digest(HookApi.HookConfig config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((config.url() + "\n" + String.join(",", config.events()) + "\n" + (config.secret() == null ? "" : config.secret()))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
