package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.validation.CronSchedules;
import dev.kiln.api.validation.FieldErrors;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Base64;
import java.util.regex.Pattern;

/** Validation of a CronSource: every error, each with its field path. */
public final class CronSourceValidation {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+(\\s*;.*)?");

    private CronSourceValidation() {
    }

    /**
     * @param source the source to check
     * @return every error found
     */
    public static FieldErrors validate(CronSource source) {
        CronSourceSpec spec = source.getSpec();
        FieldErrors errors = SourceValidation.common(source, spec);
        if (spec == null) {
            return errors;
        }
        if (spec.schedule != null) {
            try {
                CronSchedules.parse(spec.schedule);
            } catch (IllegalArgumentException e) {
                errors.add("spec.schedule", e.getMessage());
            }
        }
        if (spec.timezone != null) {
            try {
                ZoneId.of(spec.timezone);
            } catch (DateTimeException e) {
                errors.add("spec.timezone", "must be an IANA time zone such as UTC or Europe/Paris");
            }
        }
        if (spec.data != null && spec.dataBase64 != null) {
            errors.add("spec.dataBase64", "must not be set together with spec.data");
        }
        if (spec.dataBase64 != null) {
            try {
                Base64.getDecoder().decode(spec.dataBase64);
            } catch (IllegalArgumentException e) {
                errors.add("spec.dataBase64", "must be valid base64");
            }
        }
        if (spec.contentType != null && !MEDIA_TYPE.matcher(spec.contentType).matches()) {
            errors.add("spec.contentType", "must be a media type such as application/json");
        } else if (spec.contentType != null && spec.data != null
                && spec.contentType.toLowerCase().startsWith("application/json") && !isJsonObject(spec.data)) {
            errors.add("spec.data", "must be a JSON object when spec.contentType is application/json");
        }
        return errors;
    }

    private static boolean isJsonObject(String data) {
        try {
            JsonNode node = JSON.readTree(data);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }
}
