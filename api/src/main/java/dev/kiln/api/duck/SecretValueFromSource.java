package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/**
 * A secret value given by reference, never inline, in the shape Knative's sources use
 * ({@code secretToken: {secretKeyRef: {name, key}}}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretValueFromSource {

    /** The key of a Secret in the resource's namespace that holds the value. */
    public SecretKeySelector secretKeyRef;

    /** Creates an empty reference, for Jackson. */
    public SecretValueFromSource() {
    }

    /**
     * @param name the Secret's name
     * @param key the key inside the Secret
     * @return a reference to that key
     */
    public static SecretValueFromSource of(String name, String key) {
        SecretValueFromSource s = new SecretValueFromSource();
        s.secretKeyRef = new SecretKeySelector(key, name, null);
        return s;
    }
}
