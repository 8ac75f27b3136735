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

    /**
     * Whether {@code owner} is the controller of {@code object}, as apimachinery's {@code metav1.IsControlledBy}: its
     * controller ownerReference names the owner's UID. Kiln updates only what it controls, as Knative's reconcilers
     * do; an object of the same name that someone else made, or that a deleted resource of the same name left for the
     * garbage collector, is reported and left alone.
     *
     * @param owner the Kiln resource
     * @param object an object of the name Kiln would give its child
     * @return whether Kiln may write it on the owner's behalf
     */
    public static boolean controls(HasMetadata owner, HasMetadata object) {
        var refs = object.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
                .map(r -> r.getUid() != null && r.getUid().equals(owner.getMetadata().getUid())).orElse(false);
    }
}
