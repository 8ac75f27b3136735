package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One rule written twice, held equal: the CloudEvents HTTP binding's percent-encoding of {@code ce-} header values
 * (3.1.3.2). Kiln's senders and the eventing plane use {@link CeHeaderValues}; a function's runtime cannot (the SDK
 * depends on no other Kiln module, so a function's image carries the SDK alone) and has its own copy in
 * {@code BinaryMode}. A value a function replies with must arrive at the plane, and the plane's at a function, as it
 * left, so both copies must encode and decode alike.
 */
class PercentEncodingTest {

    @Test
    void theFunctionRuntimeEncodesAndDecodesAsKilnsOtherSendersAndReceivers() throws Exception {
        Class<?> binaryMode = Class.forName("dev.kiln.function.runtime.BinaryMode");
        Method encode = binaryMode.getDeclaredMethod("percentEncode", String.class);
        Method decode = binaryMode.getDeclaredMethod("percentDecode", String.class);
        encode.setAccessible(true);
        decode.setAccessible(true);
        List<String> values = new ArrayList<>(List.of("", "plain", "a b \"c\"", "/files/a%20b.txt", "100%", "%zz", "%e2%82%ac", "line\nbreak\u007f",
                "é € \uD83D\uDE00", "\u0000\u001f"));
        String tricky = "%0aF z\"é\u007f";
        Random random = new Random(21);
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : tricky.charAt(random.nextInt(tricky.length())));
            }
            values.add(s.toString());
        }
        for (String v : values) {
            assertThat(encode.invoke(null, v)).as("encode %s", v).isEqualTo(CeHeaderValues.encode(v));
            assertThat(decode.invoke(null, v)).as("decode %s", v).isEqualTo(CeHeaderValues.decode(v));
        }
    }
}
