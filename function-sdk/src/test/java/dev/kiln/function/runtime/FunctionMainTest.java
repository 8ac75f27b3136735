package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionMainTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("no arguments serve", new String[0], null),
                Arguments.of("--train uses the default", new String[] {"--train"}, FunctionMain.DEFAULT_TRAINING_ROUNDS),
                Arguments.of("--train=N", new String[] {"--train=7"}, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void trainingRounds(String name, String[] args, Integer rounds) {
        assertThat(FunctionMain.trainingRounds(args)).isEqualTo(rounds);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("zero rounds", "--train=0", "--train=N needs a positive whole number, got --train=0"),
                Arguments.of("not a number", "--train=many", "--train=N needs a positive whole number, got --train=many"),
                Arguments.of("unknown option", "--serve", "unknown argument --serve; the only option is --train[=N]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void badArgumentsAreRefused(String name, String arg, String message) {
        assertThatThrownBy(() -> FunctionMain.trainingRounds(new String[] {arg})).hasMessage(message);
    }
}
