package dev.kiln.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.kiln.api.fixture.ReadsAFile;
import dev.kiln.builder.resources.fixture.UsesAClient;
import dev.kiln.contract.fixture.OpensASocket;
import dev.kiln.controller.fixture.ImportsLocalMode;
import dev.kiln.function.fixture.UsesTheContract;
import dev.kiln.local.fixture.ImportsTheController;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The boundaries the architecture draws, held by a test instead of comments: each rule reads the bytecode of every
 * Kiln module's main classes (tests are left out) and names what must not be depended on.
 */
class LayeringTest {

    /** What "I/O" means for pure code: files, sockets, HTTP, processes, and the clients that do them. */
    private static final DescribedPredicate<JavaClass> IO = resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net.http..",
            "io.fabric8.kubernetes.client.dsl..", "io.vertx..", "org.apache.kafka..", "org.eclipse.jgit..")
            .or(anyOf("java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.FileReader", "java.io.FileWriter",
                    "java.io.RandomAccessFile", "java.net.Socket", "java.net.ServerSocket", "java.net.URLConnection", "java.net.HttpURLConnection",
                    "java.lang.ProcessBuilder", "java.lang.Process", "io.fabric8.kubernetes.client.KubernetesClient", "io.fabric8.kubernetes.client.Client"))
            .as("do I/O (files, sockets, HTTP, processes, Kubernetes, Kafka, Git)");

    /** The Kubernetes client, as opposed to its model (which {@code io.fabric8.kubernetes.client.CustomResource} is part of). */
    private static final DescribedPredicate<JavaClass> CLIENT = resideInAnyPackage("io.fabric8.kubernetes.client.dsl..",
            "io.fabric8.kubernetes.client.informers..", "io.fabric8.knative.client..")
            .or(anyOf("io.fabric8.kubernetes.client.KubernetesClient", "io.fabric8.kubernetes.client.Client",
                    "io.fabric8.kubernetes.client.KubernetesClientBuilder"))
            .as("are a Kubernetes client");

    private static JavaClasses kiln;

    @BeforeAll
    static void importKiln() {
        kiln = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.kiln");
    }

    /** Each rule, with a class (in this module's tests) that breaks it. */
    static Stream<Arguments> rules() {
        return Stream.of(
                rule("api does no I/O: the resource model is pure",
                        noClasses().that().resideInAPackage("dev.kiln.api..").should().dependOnClassesThat(IO), ReadsAFile.class),
                rule("contract does no I/O: the addressing rule, the adapter environment, names and labels are pure",
                        noClasses().that().resideInAPackage("dev.kiln.contract..").should().dependOnClassesThat(IO), OpensASocket.class),
                rule("*.resources builders use no client: desired objects come from pure builders",
                        noClasses().that().resideInAPackage("dev.kiln..resources..").should().dependOnClassesThat(CLIENT), UsesAClient.class),
                // By package, not by module: it held while local mode lived in cli/, and holds now that it has local/.
                rule("the controller never imports local mode",
                        noClasses().that().resideInAPackage("dev.kiln.controller..").should().dependOnClassesThat().resideInAPackage("dev.kiln.local.."),
                        ImportsLocalMode.class),
                rule("local mode never imports the controller",
                        noClasses().that().resideInAPackage("dev.kiln.local..").should().dependOnClassesThat().resideInAPackage("dev.kiln.controller.."),
                        ImportsTheController.class),
                rule("function-sdk depends on no other Kiln module",
                        noClasses().that().resideInAPackage("dev.kiln.function..").should().dependOnClassesThat(
                                resideInAPackage("dev.kiln..").and(resideOutsideOfPackage("dev.kiln.function.."))), UsesTheContract.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void kilnKeepsTheRule(ArchRule rule, Class<?> breaker) {
        rule.check(kiln);
    }

    /** A rule that cannot fail proves nothing: each one must catch the class written to break it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theRuleCatchesAForbiddenImport(ArchRule rule, Class<?> breaker) {
        JavaClasses broken = new ClassFileImporter().importClasses(breaker);
        assertThatThrownBy(() -> rule.check(broken)).isInstanceOf(AssertionError.class).hasMessageContaining(breaker.getName());
    }

    private static DescribedPredicate<JavaClass> anyOf(String... classNames) {
        DescribedPredicate<JavaClass> any = DescribedPredicate.alwaysFalse();
        for (String name : classNames) {
            any = any.or(HasName.Predicates.name(name));
        }
        return any;
    }

    private static Arguments rule(String name, ArchRule rule, Class<?> breaker) {
        return Arguments.of(Named.of(name, rule), breaker);
    }
}
