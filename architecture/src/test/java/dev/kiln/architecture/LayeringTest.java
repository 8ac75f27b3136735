package dev.kiln.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.kiln.api.fixture.DoesIo;
import dev.kiln.api.fixture.ReadsAFile;
import dev.kiln.builder.resources.fixture.ConfiguresAClient;
import dev.kiln.builder.resources.fixture.UsesAClient;
import dev.kiln.contract.fixture.OpensASocket;
import dev.kiln.contract.fixture.ReadsTheEnvironment;
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
 * Kiln module's main classes (tests are left out) and names what may be depended on (pure code) or what must not.
 */
class LayeringTest {

    /**
     * What pure code may use, listed rather than what it may not: a blocklist of I/O classes always missed one
     * ({@code new URL(u).openStream()}, {@code InetAddress.getByName}, {@code new PrintWriter(fileName)}, {@code new
     * ZipFile(name)}, the Kubernetes client's {@code HttpClient}). The JDK's language, collections, time, text and
     * hashing; {@code URI} but not {@code URL}; Jackson and cron-utils (parsing strings); fabric8's model and its
     * annotations. A new need is added here, on purpose.
     */
    private static final DescribedPredicate<JavaClass> PURE = resideInAnyPackage("java.lang", "java.lang.invoke", "java.lang.runtime",
            "java.lang.annotation", "java.util", "java.util.function", "java.util.regex", "java.util.stream", "java.time..", "java.math",
            "java.nio.charset", "com.fasterxml.jackson..", "com.cronutils..", "io.fabric8.kubernetes.api.model..",
            "io.fabric8.kubernetes.model.annotation..", "io.fabric8.crd.generator.annotation..", "io.fabric8.generator.annotation..")
            .and(DescribedPredicate.not(anyOf("java.lang.Process", "java.lang.ProcessBuilder", "java.lang.ProcessHandle", "java.lang.Runtime",
                    "java.lang.System")))
            .or(anyOf("java.net.URI", "java.net.URISyntaxException", "java.io.IOException", "java.io.UncheckedIOException", "java.io.Serializable",
                    "java.security.MessageDigest", "java.security.NoSuchAlgorithmException", "io.fabric8.kubernetes.client.CustomResource"))
            .as("are pure (the JDK's language, collections, time and text, URI, Jackson, cron-utils, fabric8's model)");

    /**
     * The Kubernetes client, as opposed to its model: all of {@code io.fabric8.kubernetes.client} (the client, its
     * {@code Config}, its {@code HttpClient}) but {@code CustomResource}, which the model's resources extend.
     */
    private static final DescribedPredicate<JavaClass> CLIENT = resideInAnyPackage("io.fabric8.kubernetes.client..", "io.fabric8.knative.client..",
            "io.fabric8.openshift.client..")
            .and(DescribedPredicate.not(anyOf("io.fabric8.kubernetes.client.CustomResource", "io.fabric8.kubernetes.client.CustomResourceList")))
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
                        classes().that().resideInAPackage("dev.kiln.api..").should().onlyDependOnClassesThat(PURE.or(resideInAPackage("dev.kiln.api.."))),
                        ReadsAFile.class, DoesIo.OpensAUrl.class, DoesIo.ResolvesAHost.class, DoesIo.WritesAFileByName.class,
                        DoesIo.OpensAZip.class, DoesIo.UsesTheHttpClient.class),
                rule("contract does no I/O: the addressing rule, the adapter environment, names and labels are pure",
                        classes().that().resideInAPackage("dev.kiln.contract..").should().onlyDependOnClassesThat(
                                PURE.or(resideInAnyPackage("dev.kiln.api..", "dev.kiln.contract.."))), OpensASocket.class, ReadsTheEnvironment.class),
                rule("*.resources builders use no client: desired objects come from pure builders",
                        noClasses().that().resideInAPackage("dev.kiln..resources..").should().dependOnClassesThat(CLIENT), UsesAClient.class,
                        ConfiguresAClient.AutoConfigures.class, ConfiguresAClient.UsesTheHttpClient.class),
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
    void kilnKeepsTheRule(ArchRule rule, Class<?>[] breakers) {
        rule.check(kiln);
    }

    /** A rule that cannot fail proves nothing: each one must catch every class written to break it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("breakers")
    void theRuleCatchesAForbiddenImport(ArchRule rule, Class<?> breaker) {
        JavaClasses broken = new ClassFileImporter().importClasses(breaker);
        assertThatThrownBy(() -> rule.check(broken)).isInstanceOf(AssertionError.class).hasMessageContaining(breaker.getName());
    }

    /** Each rule with each of its breakers, one case apiece. */
    static Stream<Arguments> breakers() {
        return rules().flatMap(r -> {
            @SuppressWarnings("unchecked")
            Named<ArchRule> rule = (Named<ArchRule>) r.get()[0];
            return Stream.of((Class<?>[]) r.get()[1]).map(b -> Arguments.of(Named.of(rule.getName() + ": " + b.getSimpleName(), rule.getPayload()), b));
        });
    }

    private static DescribedPredicate<JavaClass> anyOf(String... classNames) {
        DescribedPredicate<JavaClass> any = DescribedPredicate.alwaysFalse();
        for (String name : classNames) {
            any = any.or(HasName.Predicates.name(name));
        }
        return any;
    }

    private static Arguments rule(String name, ArchRule rule, Class<?>... breakers) {
        return Arguments.of(Named.of(name, rule), breakers);
    }
}
