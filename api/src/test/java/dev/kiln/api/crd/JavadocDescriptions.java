package dev.kiln.api.crd;

import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.javadoc.Javadoc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Field Javadoc of the api sources as Jackson property descriptions, so the CRD schema carries the same
 * words as the code: the Javadoc is written once and lands in {@code kubectl explain}.
 */
final class JavadocDescriptions extends JacksonAnnotationIntrospector {

    private final Map<String, String> byField;

    private JavadocDescriptions(Map<String, String> byField) {
        this.byField = byField;
    }

    /** Reads every field's Javadoc under a source root. */
    static JavadocDescriptions read(Path sourceRoot) {
        StaticJavaParser.getParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
        Map<String, String> docs = new HashMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                CompilationUnit unit = StaticJavaParser.parse(file);
                String pkg = unit.getPackageDeclaration().map(p -> p.getNameAsString() + ".").orElse("");
                for (ClassOrInterfaceDeclaration type : unit.findAll(ClassOrInterfaceDeclaration.class)) {
                    for (FieldDeclaration field : type.getFields()) {
                        field.getJavadoc().map(JavadocDescriptions::text).ifPresent(text ->
                                field.getVariables().forEach(v ->
                                        docs.put(pkg + type.getNameAsString() + "#" + v.getNameAsString(), text)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new JavadocDescriptions(docs);
    }

    @Override
    public String findPropertyDescription(Annotated annotated) {
        if (annotated instanceof AnnotatedField field) {
            String doc = byField.get(field.getDeclaringClass().getName() + "#" + field.getName());
            if (doc != null) {
                return doc;
            }
        }
        if (annotated instanceof AnnotatedMember member && !(annotated instanceof AnnotatedField)) {
            return super.findPropertyDescription(member);
        }
        return super.findPropertyDescription(annotated);
    }

    private static String text(Javadoc javadoc) {
        return javadoc.getDescription().toText().replaceAll("\\{@code ([^}]*)}", "$1").replaceAll("\\s+", " ").trim();
    }
}
