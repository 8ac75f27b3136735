package dev.kiln.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuildInputsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "a file in the context                   | greeter/src/Main.java           | greeter  | -                     | true",
        "the context's pom                       | greeter/pom.xml                 | greeter/ | -                     | true",
        "another function                        | logger/src/Main.java            | greeter  | -                     | false",
        "a sibling whose name starts the same    | greeter-v2/pom.xml              | greeter  | -                     | false",
        "the repository's README                 | README.md                       | greeter  | -                     | false",
        "a Dockerfile outside the context        | docker/greeter.Dockerfile       | greeter  | ../docker/greeter.Dockerfile | true",
        "another Dockerfile outside the context  | docker/logger.Dockerfile        | greeter  | ../docker/greeter.Dockerfile | false",
        "anything when the context is the root   | README.md                       | -        | -                     | true",
        "anything when the context is .          | docs/x.md                       | .        | -                     | true",
    })
    void whatABuildReads(String name, String changed, String contextDir, String dockerfile, boolean touched) {
        assertThat(BuildInputs.touched(List.of(changed), contextDir, dockerfile)).isEqualTo(touched);
    }
}
