package dev.kiln.function.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Jackson, as the runtime has always bound JSON: an {@code ObjectMapper} with the modules found on the class
 * path and a reader resolved for the function's input type. Kept apart from {@link Binding} so that loading
 * the runtime does not load Jackson.
 */
final class JacksonBinding {

    private final ObjectMapper mapper;
    private final ObjectReader reader;

    JacksonBinding(Type inputType) {
        this.mapper = new ObjectMapper().findAndRegisterModules();
        // Resolves the input's deserializer now, off the request path, not on the first event.
        this.reader = mapper.readerFor(mapper.getTypeFactory().constructType(inputType));
    }

    /** @return the function's input type as reflection resolves it; JSON trees when it cannot */
    static Type inputType(Class<?> function) {
        Type in = TypeArguments.of(function)[0];
        return in == Object.class ? JsonNode.class : in;
    }

    /** @return the mapper, for batch mode */
    ObjectMapper mapper() {
        return mapper;
    }

    Object read(byte[] data) throws IOException {
        return reader.readValue(data);
    }

    byte[] write(Object value) throws IOException {
        return mapper.writeValueAsBytes(value);
    }
}
