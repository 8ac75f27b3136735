package dev.kiln.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references on the objects Kiln creates, so the API server's garbage collector removes them with their owner. */
public final class Owners {

    private Owners() {
    }

    /**
     * @param owner the Kiln resource
     * @return a controller reference to it, blocking the owner's foreground deletion until the child is gone
     */
    public static OwnerReference controllerOf(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }
}
