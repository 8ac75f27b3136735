package dev.kiln.function.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codecs the processor generated for this class's functions, against Jackson as the runtime configures it:
 * whatever a codec reads it reads to the value Jackson reads, whatever it writes it writes byte for byte as
 * Jackson does, and what it does not cover it refuses (the runtime then hands it to Jackson). Also checks that
 * the common documents are covered, so the fast path is real.
 */
class CodecConformanceTest {

    static final ObjectMapper JACKSON = new ObjectMapper().findAndRegisterModules();

    public enum Color { RED, GREEN, BLUE { } }

    public record Scalars(String s, boolean b, int i, long l, double d, Boolean bb, Integer bi, Long bl, Double bd) {
    }

    public record Nested(String name, Scalars scalars, List<String> tags, List<Scalars> items, Color color, List<List<Integer>> matrix) {
    }

    public static class Plain {
        public String message;
        public int n = 7;
        public List<String> tags;
        public Color color;
        public Plain inner;
    }

    public static class PlainSub extends Plain {
        public String extra = "x";
    }

    public record Flags(boolean isActive, String getaway, String issue) {
    }

    public record Tree(String label, List<Tree> children) {
    }

    public record Validated(String name) {
        public Validated {
            if (name == null) {
                throw new IllegalArgumentException("name is required");
            }
        }
    }

    public record Annotated(@JsonProperty("x") String y) {
    }

    public record WithGetter(String a) {
        public String getB() {
            return "b";
        }
    }

    public static class WithSetter {
        public String a;

        void setB(String b) {
            a = b;
        }
    }

    public static class FinalField {
        public final String a = "a";
    }

    public record WithMap(Map<String, String> m) {
    }

    /** Jackson writes and reads it through its {@code @JsonValue} method: "high", and "HIGH" is refused. */
    public enum Level {
        LOW, HIGH;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Jackson reads it through its static {@code @JsonCreator} factory: "b" is B. */
    public enum Grade {
        A, B;

        @JsonCreator
        public static Grade of(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** Jackson reads class annotations from interfaces too: an enum implementing this is written as its index. */
    @JsonFormat(shape = JsonFormat.Shape.NUMBER)
    public interface AsNumber {
    }

    public enum Ordinal implements AsNumber { ZERO, ONE }

    /** ...and a record implementing this is written {@code {"first_name":...}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public interface SnakeCase {
    }

    public record Person(String firstName) implements SnakeCase {
    }

    /** Jackson merges an overridden method's annotations: the record's accessor is renamed "n". */
    public interface Named {
        @JsonProperty("n")
        String name();
    }

    public record Renamed(String name) implements Named {
    }

    /** Jackson builds it through its static {@code @JsonCreator} factory, not the canonical constructor. */
    public record Temp(double celsius) {
        @JsonCreator
        public static Temp of(@JsonProperty("celsius") double celsius) {
            return new Temp(Math.round(celsius));
        }
    }

    /** A function of each kind, echoing its input; the processor generates a codec for each. */
    public static class NestedFn extends Echo<Nested> implements CloudFunction<Nested, Nested> { }
    public static class ScalarsFn extends Echo<Scalars> implements CloudFunction<Scalars, Scalars> { }
    public static class PlainFn extends Echo<Plain> implements CloudFunction<Plain, Plain> { }
    public static class FlagsFn extends Echo<Flags> implements CloudFunction<Flags, Flags> { }
    public static class TreeFn extends Echo<Tree> implements CloudFunction<Tree, Tree> { }
    public static class ValidatedFn extends Echo<Validated> implements CloudFunction<Validated, Validated> { }
    public static class ListFn extends Echo<List<Scalars>> implements CloudFunction<List<Scalars>, List<Scalars>> { }
    public static class ColorFn extends Echo<Color> implements CloudFunction<Color, Color> { }
    public static class IntFn extends Echo<Integer> implements CloudFunction<Integer, Integer> { }
    public static class AnnotatedFn extends Echo<Annotated> implements CloudFunction<Annotated, Annotated> { }
    public static class WithGetterFn extends Echo<WithGetter> implements CloudFunction<WithGetter, WithGetter> { }
    public static class WithSetterFn extends Echo<WithSetter> implements CloudFunction<WithSetter, WithSetter> { }
    public static class FinalFieldFn extends Echo<FinalField> implements CloudFunction<FinalField, FinalField> { }
    public static class WithMapFn extends Echo<WithMap> implements CloudFunction<WithMap, WithMap> { }
    public static class PlainSubFn extends Echo<PlainSub> implements CloudFunction<PlainSub, PlainSub> { }
    public static class LevelFn extends Echo<Level> implements CloudFunction<Level, Level> { }
    public static class GradeFn extends Echo<Grade> implements CloudFunction<Grade, Grade> { }
    public static class OrdinalFn extends Echo<Ordinal> implements CloudFunction<Ordinal, Ordinal> { }
    public static class PersonFn extends Echo<Person> implements CloudFunction<Person, Person> { }
    public static class RenamedFn extends Echo<Renamed> implements CloudFunction<Renamed, Renamed> { }
    public static class TempFn extends Echo<Temp> implements CloudFunction<Temp, Temp> { }

    /** Shared body of the test functions. */
    public abstract static class Echo<T> {
        public T apply(T input, Context context) {
            return input;
        }
    }

    static FunctionCodec codec(Class<?> function) throws ReflectiveOperationException {
        return (FunctionCodec) Class.forName(FunctionCodec.nameFor(function.getName())).getDeclaredConstructor().newInstance();
    }

    static Type inputType(Class<?> function) {
        for (Type t : function.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == CloudFunction.class) {
                return p.getActualTypeArguments()[0];
            }
        }
        throw new IllegalArgumentException(function.getName());
    }

    static Stream<Arguments> coverage() {
        return Stream.of(
                arguments(NestedFn.class, true, "Nested"), arguments(ScalarsFn.class, true, "Scalars"),
                arguments(PlainFn.class, true, "Plain"), arguments(FlagsFn.class, true, "Flags"),
                arguments(TreeFn.class, true, "Tree"), arguments(ValidatedFn.class, true, "Validated"),
                arguments(ListFn.class, true, "java.util.List<dev.kiln.function.codec.CodecConformanceTest$Scalars>"),
                arguments(ColorFn.class, true, "Color"), arguments(IntFn.class, true, "Integer"),
                arguments(AnnotatedFn.class, false, "Annotated"), arguments(WithGetterFn.class, false, "WithGetter"),
                arguments(WithSetterFn.class, false, "WithSetter"), arguments(FinalFieldFn.class, false, "FinalField"),
                arguments(WithMapFn.class, false, "WithMap"), arguments(PlainSubFn.class, false, "PlainSub"),
                // Jackson annotations wherever Jackson looks: an enum's methods, static factories, supertypes
                arguments(LevelFn.class, false, "Level"), arguments(GradeFn.class, false, "Grade"),
                arguments(OrdinalFn.class, false, "Ordinal"), arguments(PersonFn.class, false, "Person"),
                arguments(RenamedFn.class, false, "Renamed"), arguments(TempFn.class, false, "Temp"));
    }

    /** Covered where Jackson has no rule of its own; named as reflection names the type. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("coverage")
    void coversWhatItCanRepeatExactly(Class<?> function, boolean covered, String name) throws Exception {
        FunctionCodec codec = codec(function);
        assertThat(codec.readsInput()).isEqualTo(covered);
        assertThat(codec.writesOutput()).isEqualTo(covered);
        assertThat(codec.inputName()).isEqualTo(name);
        Type in = inputType(function);
        assertThat(codec.inputClass()).isEqualTo(in instanceof ParameterizedType p ? p.getRawType() : in);
        assertThat(codec.outputClass()).as("the echoes' output is their input").isEqualTo(codec.inputClass());
        assertThat(codec.version()).isEqualTo(FunctionCodec.VERSION);
    }

    static Stream<Arguments> documents() {
        String scalars = "{\"s\":\"x\",\"b\":true,\"i\":-2147483648,\"l\":9007199254740993,\"d\":-1.5e-7,"
                + "\"bb\":false,\"bi\":2147483647,\"bl\":-1,\"bd\":0.1}";
        return Stream.of(
                // covered: the fast path must take these
                arguments(ScalarsFn.class, scalars, true),
                arguments(ScalarsFn.class, " \n\t{ \"s\" : \"\\u00e9\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\" , \"i\" : 0 } \r\n", true),
                arguments(ScalarsFn.class, "{\"s\":\"é😀 \u2028\"}", true),
                arguments(ScalarsFn.class, "{\"s\":null,\"bb\":null,\"bi\":null,\"bl\":null,\"bd\":null}", true),
                arguments(ScalarsFn.class, "{}", true),
                arguments(ScalarsFn.class, "{\"d\":5,\"l\":-0,\"i\":-0}", true),
                arguments(ScalarsFn.class, "{\"d\":1E2,\"bd\":-0.0}", true),
                arguments(ScalarsFn.class, "{\"d\":-0,\"bd\":-0}", true), // the integer 0, widened: +0.0
                arguments(ScalarsFn.class, "{\"d\":-0e0,\"bd\":-0.0e1}", true), // a float token: -0.0
                arguments(ScalarsFn.class, "{\"s\":\"\\ud800\"}", true),
                arguments(NestedFn.class, "{\"name\":\"n\",\"scalars\":" + scalars + ",\"tags\":[\"a\",null,\"c\"],\"items\":[{},null],"
                        + "\"color\":\"GREEN\",\"matrix\":[[1,2],[],null,[null]]}", true),
                arguments(NestedFn.class, "{\"color\":\"BLUE\",\"tags\":[],\"items\":null,\"scalars\":null}", true),
                arguments(PlainFn.class, "{\"message\":\"m\",\"tags\":[\"t\"],\"inner\":{\"n\":3,\"inner\":null}}", true),
                arguments(PlainFn.class, "{}", true),
                arguments(FlagsFn.class, "{\"isActive\":true,\"getaway\":\"g\",\"issue\":\"i\"}", true),
                arguments(TreeFn.class, "{\"label\":\"a\",\"children\":[{\"label\":\"b\",\"children\":[]},{\"label\":\"c\"}]}", true),
                arguments(ValidatedFn.class, "{\"name\":\"v\"}", true),
                arguments(ListFn.class, "[{\"i\":1},{\"i\":2}]", true),
                arguments(ListFn.class, "[]", true),
                arguments(ColorFn.class, "\"RED\"", true),
                arguments(IntFn.class, "42", true),
                // refused: Jackson coerces, refuses or decides these
                arguments(ScalarsFn.class, "{\"i\":1.0}", false),
                arguments(ScalarsFn.class, "{\"i\":\"5\"}", false),
                arguments(ScalarsFn.class, "{\"s\":5}", false),
                arguments(ScalarsFn.class, "{\"b\":\"true\"}", false),
                arguments(ScalarsFn.class, "{\"i\":null}", false),
                arguments(ScalarsFn.class, "{\"i\":2147483648}", false),
                arguments(ScalarsFn.class, "{\"l\":9223372036854775807,\"bl\":-9223372036854775808}", true),
                arguments(ScalarsFn.class, "{\"l\":9223372036854775808}", false),
                arguments(ScalarsFn.class, "{\"d\":1e400}", false),
                arguments(ScalarsFn.class, "{\"d\":0.12345678901234567,\"bd\":123456789012345678901234567890}", true),
                arguments(ScalarsFn.class, "{\"i\":01}", false),
                arguments(ScalarsFn.class, "{\"i\":1,\"i\":2}", false),
                arguments(ScalarsFn.class, "{\"unknown\":1}", false),
                arguments(ScalarsFn.class, "{\"s\":\"x\",}", false),
                arguments(ScalarsFn.class, "{\"s\":\"a\nb\"}", false),
                arguments(ScalarsFn.class, "{\"s\":\"\\x\"}", false),
                arguments(ScalarsFn.class, "{} trailing", false),
                arguments(ScalarsFn.class, "{}{}", false),
                arguments(ScalarsFn.class, "null", false),
                arguments(ScalarsFn.class, "[]", false),
                arguments(ScalarsFn.class, "{'s':'x'}", false),
                arguments(ScalarsFn.class, "{\"s\":\"x\"", false),
                arguments(ScalarsFn.class, "\uFEFF{}", false),
                arguments(NestedFn.class, "{\"color\":\"red\"}", false),
                arguments(NestedFn.class, "{\"color\":0}", false),
                arguments(NestedFn.class, "{\"tags\":\"a\"}", false),
                arguments(ValidatedFn.class, "{}", false),
                arguments(ListFn.class, "{\"i\":1}", false),
                arguments(IntFn.class, "null", false),
                arguments(IntFn.class, "\"42\"", false),
                arguments(LevelFn.class, "\"HIGH\"", false),
                arguments(GradeFn.class, "\"b\"", false),
                arguments(OrdinalFn.class, "1", false),
                arguments(PersonFn.class, "{\"first_name\":\"Ada\"}", false),
                arguments(RenamedFn.class, "{\"n\":\"x\"}", false),
                arguments(TempFn.class, "{\"celsius\":21.6}", false));
    }

    /** What the codec reads, Jackson reads to the same value; the common documents are read by the codec. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("documents")
    void readsAsJacksonDoes(Class<?> function, String document, boolean covered) throws Exception {
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        Object own;
        try {
            own = codec(function).readInput(new JsonReader(bytes));
        } catch (RuntimeException refused) {
            assertThat(covered).as("refused: " + refused).isFalse();
            return;
        }
        assertThat(covered).as("read by the codec, as " + own).isTrue();
        Object jackson = JACKSON.readerFor(TypeFactory.defaultInstance().constructType(inputType(function))).readValue(bytes);
        assertThat(tree(own)).isEqualTo(tree(jackson));
    }

    @Test
    void invalidUtf8IsLeftToJackson() throws Exception {
        for (byte[] bad : List.of(new byte[] {'"', (byte) 0xC3, '"'}, new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, new byte[] {'"', (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'})) {
            byte[] doc = concat("{\"s\":".getBytes(StandardCharsets.UTF_8), bad, "}".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> codec(ScalarsFn.class).readInput(new JsonReader(doc))).as(Arrays.toString(bad))
                    .isInstanceOf(NotCovered.class);
        }
    }

    static Stream<Arguments> values() {
        Plain plain = new Plain();
        plain.message = "m\u0000\u001f\u007f\"\\/é😀";
        plain.tags = new ArrayList<>(Arrays.asList("a", null));
        plain.inner = new Plain();
        plain.color = Color.BLUE;
        return Stream.of(
                arguments(NestedFn.class, new Nested("n", new Scalars("s", true, -1, Long.MIN_VALUE, 1e-300, null, null, 5L, -0.0),
                        List.of("x"), Arrays.asList(null, new Scalars(null, false, 0, 0, 0, true, 1, null, 2.5)), Color.GREEN,
                        List.of(List.of(1, 2), List.of())), true),
                arguments(NestedFn.class, new Nested(null, null, null, null, null, null), true),
                arguments(PlainFn.class, plain, true),
                arguments(FlagsFn.class, new Flags(true, "g", "i"), true),
                arguments(TreeFn.class, new Tree("a", List.of(new Tree("b", List.of()), new Tree("c", null))), true),
                arguments(ListFn.class, List.of(new Scalars("a", true, 1, 2, 3.5, null, null, null, null)), true),
                arguments(ListFn.class, Arrays.asList(new Scalars("a", true, 1, 2, 3.5, null, null, null, null)), true),
                arguments(ColorFn.class, Color.BLUE, true),
                arguments(IntFn.class, 7, true),
                // refused: Jackson writes these its own way (quoted NaN, an error, the subclass's fields)
                arguments(ScalarsFn.class, new Scalars("s", true, 1, 1, Double.NaN, null, null, null, null), false),
                arguments(ScalarsFn.class, new Scalars("s", true, 1, 1, 1, null, null, null, Double.POSITIVE_INFINITY), false),
                arguments(ScalarsFn.class, new Scalars("\ud800 \udc00\ud800", true, 1, 1, 1, null, null, null, null), true),
                arguments(PlainFn.class, new PlainSub(), false),
                arguments(LevelFn.class, Level.HIGH, false),
                arguments(OrdinalFn.class, Ordinal.ONE, false),
                arguments(PersonFn.class, new Person("Ada"), false),
                arguments(RenamedFn.class, new Renamed("x"), false));
    }

    /** What the codec writes is byte for byte what Jackson writes. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("values")
    void writesAsJacksonDoes(Class<?> function, Object value, boolean covered) throws Exception {
        JsonWriter out = new JsonWriter();
        try {
            codec(function).writeOutput(value, out);
        } catch (RuntimeException refused) {
            assertThat(covered).as("refused: " + refused).isFalse();
            return;
        }
        assertThat(covered).as("written by the codec").isTrue();
        // as bytes: the runtime's Jackson writes UTF-8 (its String writer escapes differently)
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo(new String(JACKSON.writeValueAsBytes(value), StandardCharsets.UTF_8));
    }

    /** Random values through both: the codec reads Jackson's JSON back to the value, and writes it as Jackson does. */
    @Test
    void randomValuesRoundTripAsJacksonDoes() throws Exception {
        Random random = new Random(22);
        FunctionCodec codec = codec(NestedFn.class);
        for (int n = 0; n < 2000; n++) {
            Nested value = randomNested(random);
            byte[] jackson = JACKSON.writeValueAsBytes(value);
            Object read = codec.readInput(new JsonReader(jackson)); // Jackson's own output is always covered
            assertThat(tree(read)).isEqualTo(JACKSON.readTree(jackson));
            JsonWriter out = new JsonWriter();
            codec.writeOutput(value, out);
            assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(new String(jackson, StandardCharsets.UTF_8));
        }
    }

    private static Nested randomNested(Random r) {
        List<String> tags = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            tags.add(r.nextInt(5) == 0 ? null : randomString(r));
        }
        return new Nested(randomString(r), randomScalars(r), r.nextInt(6) == 0 ? null : tags,
                r.nextBoolean() ? List.of(randomScalars(r)) : null, r.nextBoolean() ? Color.values()[r.nextInt(3)] : null,
                r.nextBoolean() ? List.of(List.of(r.nextInt()), List.of()) : null);
    }

    private static Scalars randomScalars(Random r) {
        double d = switch (r.nextInt(4)) {
            case 0 -> Double.longBitsToDouble(r.nextLong());
            case 1 -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            case 2 -> r.nextInt(1000);
            default -> Math.round(r.nextDouble() * 1000) / 1000.0;
        };
        if (!Double.isFinite(d)) {
            d = 0.5;
        }
        return new Scalars(r.nextInt(5) == 0 ? null : randomString(r), r.nextBoolean(), r.nextInt(), r.nextLong(), d,
                r.nextBoolean() ? null : r.nextBoolean(), r.nextBoolean() ? null : r.nextInt(), r.nextBoolean() ? null : r.nextLong(),
                r.nextBoolean() ? null : (double) r.nextFloat());
    }

    private static String randomString(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            switch (r.nextInt(6)) {
                case 0 -> s.append((char) r.nextInt(0x20));
                case 1 -> s.append("\"\\/\u007f".charAt(r.nextInt(4)));
                case 2 -> s.append((char) (0x80 + r.nextInt(0x780)));
                case 3 -> s.appendCodePoint(0x10000 + r.nextInt(0xFFFFF));
                case 4 -> s.append((char) (0x800 + r.nextInt(0xF7FF))); // lone surrogates too
                default -> s.append((char) (0x20 + r.nextInt(0x5F)));
            }
        }
        return s.toString();
    }

    private static JsonNode tree(Object value) {
        return JACKSON.valueToTree(value);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
