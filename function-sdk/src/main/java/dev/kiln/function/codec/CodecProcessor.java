package dev.kiln.function.codec;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Generates a {@link FunctionCodec} for every function class a build compiles, so the runtime binds JSON
 * without Jackson and without reflection on the path to the first reply.
 *
 * <p>Found by javac through {@code META-INF/services/javax.annotation.processing.Processor} in the SDK's jar:
 * JDKs up to 22 run it by default, JDK 23 and later with {@code -proc:full} (the template's pom sets it, and
 * Kiln's builds pass {@code -Dmaven.compiler.proc=full}).
 *
 * <p>A type is bound by generated code only where Jackson's default {@code ObjectMapper} would bind it in a
 * way this code can repeat exactly: a record whose components, or a class whose public mutable fields (and
 * nothing else: no getters, setters or other constructors), are strings, booleans, ints, longs, doubles,
 * their boxes, enums, {@code List}s of those or other such types; without annotations other than
 * {@code java.lang}'s anywhere Jackson looks: on the type, on any of its members (static methods included, where a
 * {@code @JsonCreator} factory would be), their parameters, and on every supertype and interface, whose class
 * annotations ({@code @JsonNaming}, {@code @JsonTypeInfo}...) and member annotations Jackson inherits. Anything else
 * is left to Jackson, and a note says why.
 */
@SupportedAnnotationTypes("*")
public final class CodecProcessor extends AbstractProcessor {

    private static final String CLOUD_FUNCTION = "dev.kiln.function.CloudFunction";
    private static final String CLOUD_EVENT = "io.cloudevents.CloudEvent";
    /** Annotations Jackson does not read (its own, {@code java.beans}' and JAXB's are refused). */
    private static final List<String> NEUTRAL_ANNOTATIONS = List.of("java.lang.", "org.jspecify.", "org.jetbrains.annotations.",
            "javax.annotation.processing.Generated");

    private final Set<String> generated = new HashSet<>();

    /** Creates the processor (javac does, through ServiceLoader). */
    public CodecProcessor() {
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement function = processingEnv.getElementUtils().getTypeElement(CLOUD_FUNCTION);
        if (function == null || round.processingOver()) {
            return false;
        }
        for (Element root : round.getRootElements()) {
            scan(root, function);
        }
        return false; // claims nothing: other processors see every annotation
    }

    private void scan(Element element, TypeElement function) {
        if (!(element instanceof TypeElement type)) {
            return;
        }
        if (type.getKind() == ElementKind.CLASS && !type.getModifiers().contains(Modifier.ABSTRACT)
                && types().isAssignable(types().erasure(type.asType()), types().erasure(function.asType()))) {
            try {
                generate(type, function);
            } catch (IOException | RuntimeException e) {
                // A codec is an optimisation: never fail the user's build over one.
                note(type, "no generated codec (" + e + "); Jackson binds it at run time");
            }
        }
        for (Element member : type.getEnclosedElements()) {
            scan(member, function);
        }
    }

    private void generate(TypeElement fn, TypeElement function) throws IOException {
        String binary = elements().getBinaryName(fn).toString();
        String codec = FunctionCodec.nameFor(binary);
        if (!generated.add(codec)) {
            // Names are one per binary name, so only a class seen twice gets here; say so rather than skip silently.
            processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING, "Kiln: " + codec + " was generated already; " + binary
                    + " is bound by Jackson at run time", fn);
            return;
        }
        if (!accessible(fn, packageOf(fn)) || inner(fn) || !fn.getTypeParameters().isEmpty()) {
            return;
        }
        DeclaredType signature = functionSupertype(fn.asType(), function);
        if (signature == null || signature.getTypeArguments().size() != 2) {
            return; // raw: the runtime resolves it (to JSON trees) as before
        }
        TypeMirror input = signature.getTypeArguments().get(0);
        TypeMirror output = signature.getTypeArguments().get(1);
        if (isClass(input, "java.lang.Object")) {
            return; // bound to JSON trees by the runtime, as before
        }
        String pkg = packageOf(fn);
        String inputClass = classLiteral(input, pkg);
        String inputName = typeName(input, true);
        String outputClass = classLiteral(output, pkg);
        if (inputClass == null || inputName == null || outputClass == null) {
            return;
        }
        Source source = new Source(pkg);
        String reader = raw(input) ? null : source.topRead(input);
        String writer = raw(output) || isVoid(output) ? null : source.topWrite(output);
        if (reader == null && !raw(input)) {
            note(fn, "input " + input + " is bound by Jackson at run time: " + source.why);
        }
        if (writer == null && !raw(output) && !isVoid(output)) {
            note(fn, "output " + output + " is written by Jackson at run time: " + source.why);
        }
        String simple = codec.substring(codec.lastIndexOf('.') + 1);
        StringBuilder java = new StringBuilder();
        if (!pkg.isEmpty()) {
            java.append("package ").append(pkg).append(";\n\n");
        }
        java.append("/** Generated by Kiln's CodecProcessor for {@link ").append(fn.getQualifiedName())
                .append("}: binds its JSON input and output without reflection. Do not edit. */\n")
                .append("@SuppressWarnings({\"unchecked\", \"rawtypes\"})\n")
                .append("public final class ").append(simple).append(" implements dev.kiln.function.codec.FunctionCodec {\n\n")
                .append("    /** Created by the runtime. */\n    public ").append(simple).append("() {\n    }\n\n")
                .append("    @Override\n    public int version() {\n        return ").append(FunctionCodec.VERSION).append(";\n    }\n\n")
                .append("    @Override\n    public Class<?> functionClass() {\n        return ").append(fn.getQualifiedName()).append(".class;\n    }\n\n")
                .append("    @Override\n    public Class<?> inputClass() {\n        return ").append(inputClass).append(";\n    }\n\n")
                .append("    @Override\n    public String inputName() {\n        return \"").append(inputName).append("\";\n    }\n\n")
                .append("    @Override\n    public Class<?> outputClass() {\n        return ").append(outputClass).append(";\n    }\n\n")
                .append("    @Override\n    public boolean readsInput() {\n        return ").append(reader != null).append(";\n    }\n\n")
                .append("    @Override\n    public Object readInput(dev.kiln.function.codec.JsonReader in) {\n");
        if (reader != null) {
            java.append("        Object value = ").append(reader).append(";\n        in.end();\n        return value;\n");
        } else {
            java.append("        throw in.notCovered();\n");
        }
        java.append("    }\n\n")
                .append("    @Override\n    public boolean writesOutput() {\n        return ").append(writer != null).append(";\n    }\n\n")
                .append("    @Override\n    public void writeOutput(Object value, dev.kiln.function.codec.JsonWriter out) {\n");
        java.append(writer != null ? "        " + writer + "\n" : "        throw out.notCovered();\n");
        java.append("    }\n");
        java.append(source.methods);
        java.append("}\n");
        try (Writer out = processingEnv.getFiler().createSourceFile(codec, fn).openWriter()) {
            out.write(java.toString());
        }
    }

    /** The {@code CloudFunction<I, O>} the class implements, with its type arguments as the class binds them. */
    private DeclaredType functionSupertype(TypeMirror type, TypeElement function) {
        for (TypeMirror s : types().directSupertypes(type)) {
            if (types().isSameType(types().erasure(s), types().erasure(function.asType()))) {
                return (DeclaredType) s;
            }
            DeclaredType found = functionSupertype(s, function);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private boolean raw(TypeMirror t) {
        return isClass(t, CLOUD_EVENT) || isClass(t, "java.lang.String") || isByteArray(t);
    }

    private boolean isVoid(TypeMirror t) {
        return isClass(t, "java.lang.Void");
    }

    private static boolean isByteArray(TypeMirror t) {
        return t instanceof ArrayType a && a.getComponentType().getKind() == TypeKind.BYTE;
    }

    private static boolean isClass(TypeMirror t, String name) {
        return t instanceof DeclaredType d && ((TypeElement) d.asElement()).getQualifiedName().contentEquals(name)
                && d.getTypeArguments().isEmpty();
    }

    /** @return the class literal of a type's erasure, or null when the generated code could not name it */
    private String classLiteral(TypeMirror t, String pkg) {
        if (isByteArray(t)) {
            return "byte[].class";
        }
        if (t instanceof DeclaredType d && accessible((TypeElement) d.asElement(), pkg)) {
            return ((TypeElement) d.asElement()).getQualifiedName() + ".class";
        }
        return null;
    }

    /**
     * The name reflection gives the type: {@code Class.getSimpleName()} at the top for a class, otherwise
     * {@code Type.getTypeName()} (binary names, arguments joined by ", ").
     */
    private String typeName(TypeMirror t, boolean top) {
        if (isByteArray(t)) {
            return "byte[]";
        }
        if (!(t instanceof DeclaredType d)) {
            return null;
        }
        TypeElement e = (TypeElement) d.asElement();
        if (d.getTypeArguments().isEmpty()) {
            return top ? e.getSimpleName().toString() : elements().getBinaryName(e).toString();
        }
        if (d.getEnclosingType().getKind() == TypeKind.DECLARED && !((DeclaredType) d.getEnclosingType()).getTypeArguments().isEmpty()) {
            return null; // an inner class of a generic class: named differently; leave it to reflection
        }
        StringBuilder name = new StringBuilder(elements().getBinaryName(e)).append('<');
        for (int i = 0; i < d.getTypeArguments().size(); i++) {
            String arg = typeName(d.getTypeArguments().get(i), false);
            if (arg == null) {
                return null;
            }
            name.append(i == 0 ? "" : ", ").append(arg);
        }
        return name.append('>').toString();
    }

    /** Whether generated code in {@code pkg} can name the type. */
    private boolean accessible(TypeElement type, String pkg) {
        for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
            Set<Modifier> m = t.getModifiers();
            if (m.contains(Modifier.PRIVATE) || t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS
                    || !m.contains(Modifier.PUBLIC) && !packageOf(t).equals(pkg)) {
                return false;
            }
        }
        return true;
    }

    /** An inner class: only an instance of its enclosing class can make one (Jackson refuses them too). */
    private static boolean inner(TypeElement type) {
        return type.getNestingKind() == NestingKind.MEMBER && type.getKind() == ElementKind.CLASS
                && !type.getModifiers().contains(Modifier.STATIC);
    }

    /**
     * Where Jackson would find an annotation of its own: the type's, any member's (fields, enum constants, record
     * components, constructors, methods static or not) or parameter's, and the same on every supertype and interface,
     * recursively, since Jackson merges class and member annotations from all of them. The JDK's own types carry none.
     *
     * @return the first type or member so annotated, or null when there is none
     */
    private String annotated(TypeElement type, Set<String> seen) {
        String name = type.getQualifiedName().toString();
        if (name.startsWith("java.") || !seen.add(name)) {
            return null;
        }
        if (!neutral(type)) {
            return name;
        }
        for (Element member : type.getEnclosedElements()) {
            if (member.getKind().isClass() || member.getKind().isInterface()) {
                continue; // a nested type is another type: checked when something uses it
            }
            if (!neutral(member)) {
                return name + "." + member.getSimpleName();
            }
            if (member instanceof ExecutableElement method) {
                for (VariableElement p : method.getParameters()) {
                    if (!neutral(p)) {
                        return name + "." + member.getSimpleName() + "(" + p.getSimpleName() + ")";
                    }
                }
            }
        }
        for (TypeMirror supertype : types().directSupertypes(type.asType())) {
            String found = supertype instanceof DeclaredType d ? annotated((TypeElement) d.asElement(), seen) : null;
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private boolean neutral(Element e) {
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            String name = ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().toString();
            if (NEUTRAL_ANNOTATIONS.stream().noneMatch(name::startsWith)) {
                return false;
            }
        }
        return true;
    }

    private String packageOf(Element e) {
        return elements().getPackageOf(e).getQualifiedName().toString();
    }

    private void note(Element e, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, "Kiln: " + message, e);
    }

    private Elements elements() {
        return processingEnv.getElementUtils();
    }

    private Types types() {
        return processingEnv.getTypeUtils();
    }

    /** A JSON scalar: how to read it and whether it is a primitive. */
    private enum Scalar {
        STRING("java.lang.String", "in.readString()", false),
        BOOLEAN("boolean", "in.readBoolean()", true),
        INT("int", "in.readInt()", true),
        LONG("long", "in.readLong()", true),
        DOUBLE("double", "in.readDouble()", true),
        BOXED_BOOLEAN("java.lang.Boolean", "Boolean.valueOf(in.readBoolean())", false),
        BOXED_INT("java.lang.Integer", "Integer.valueOf(in.readInt())", false),
        BOXED_LONG("java.lang.Long", "Long.valueOf(in.readLong())", false),
        BOXED_DOUBLE("java.lang.Double", "Double.valueOf(in.readDouble())", false);

        final String javaType;
        final String read;
        final boolean primitive;

        Scalar(String javaType, String read, boolean primitive) {
            this.javaType = javaType;
            this.read = read;
            this.primitive = primitive;
        }
    }

    /** One generated codec's text: the methods that read and write each type the input and output reach. */
    private final class Source {
        final String pkg;
        final StringBuilder methods = new StringBuilder();
        /** Per type (qualified name or list element type): the suffix of its reader and writer methods. */
        final Map<String, Integer> readers = new LinkedHashMap<>();
        final Map<String, Integer> writers = new LinkedHashMap<>();
        String why = "";

        Source(String pkg) {
            this.pkg = pkg;
        }

        /** @return the expression reading the whole input (null is not accepted at the top), or null */
        String topRead(TypeMirror t) {
            if (!covered(t, new HashSet<>())) {
                return null;
            }
            Scalar s = scalar(t);
            return s != null ? s.read : read(t) + "(in)";
        }

        /** @return the statement writing the whole output, or null */
        String topWrite(TypeMirror t) {
            if (!covered(t, new HashSet<>())) {
                return null;
            }
            return write(t, "((" + javaType(t) + ") value)");
        }

        /** Whether every type reachable from t is one the generated code binds as Jackson does. */
        boolean covered(TypeMirror t, Set<String> seen) {
            if (scalar(t) != null) {
                return true;
            }
            if (!(t instanceof DeclaredType d)) {
                return refuse(t + " is not a class");
            }
            TypeElement e = (TypeElement) d.asElement();
            if (isClass(types().erasure(t), "java.util.List")) {
                return d.getTypeArguments().size() == 1 && d.getTypeArguments().get(0) instanceof DeclaredType
                        ? covered(d.getTypeArguments().get(0), seen) : refuse(t + " is not a List of classes");
            }
            if (!d.getTypeArguments().isEmpty() || !e.getTypeParameters().isEmpty()) {
                return refuse(t + " is generic");
            }
            if (!seen.add(e.getQualifiedName().toString())) {
                return true;
            }
            if (!accessible(e, pkg) || inner(e)) {
                return refuse(e + " is not visible to generated code, or is an inner class");
            }
            String annotated = annotated(e, new HashSet<>());
            if (annotated != null) {
                return refuse(annotated + " has annotations Jackson reads");
            }
            switch (e.getKind()) {
                case ENUM -> {
                    return true;
                }
                case RECORD -> {
                    List<? extends RecordComponentElement> components = e.getRecordComponents();
                    if (components.isEmpty() || components.size() > 63 || constructors(e).size() != 1 || !beanFree(e, true)) {
                        return refuse(e + " has other constructors, no components, or getter- or setter-like methods Jackson would use");
                    }
                    for (RecordComponentElement c : components) {
                        if (!covered(c.asType(), seen)) {
                            return false;
                        }
                    }
                    return true;
                }
                case CLASS -> {
                    List<ExecutableElement> ctors = constructors(e);
                    if (e.getModifiers().contains(Modifier.ABSTRACT) || !isClass(e.getSuperclass(), "java.lang.Object")
                            || ctors.size() != 1 || !ctors.get(0).getParameters().isEmpty()
                            || ctors.get(0).getModifiers().contains(Modifier.PRIVATE)
                            || !ctors.get(0).getModifiers().contains(Modifier.PUBLIC) && !packageOf(e).equals(pkg)
                            || !beanFree(e, false)) {
                        return refuse(e + " is not a plain class with public fields and one no-argument constructor");
                    }
                    List<VariableElement> fields = fields(e);
                    if (fields == null || fields.isEmpty() || fields.size() > 63) {
                        return refuse(e + " has fields Jackson treats in its own way (final, transient or not public)");
                    }
                    for (VariableElement f : fields) {
                        if (!covered(f.asType(), seen)) {
                            return false;
                        }
                    }
                    return true;
                }
                default -> {
                    return refuse(e + " is an interface or another kind Jackson binds by its own rules");
                }
            }
        }

        private boolean refuse(String reason) {
            if (why.isEmpty()) {
                why = reason;
            }
            return false;
        }

        /** @return the name of the method reading a record, class, enum or list (written on first use) */
        String read(TypeMirror t) {
            String key = types().erasure(t).toString().equals("java.util.List") ? t.toString() : javaType(t);
            Integer n = readers.get(key);
            if (n != null) {
                return "r" + n;
            }
            n = readers.size();
            readers.put(key, n);
            String type = javaType(t);
            StringBuilder m = new StringBuilder("\n    private static ").append(type).append(" r").append(n)
                    .append("(dev.kiln.function.codec.JsonReader in) {\n");
            DeclaredType d = (DeclaredType) t;
            TypeElement e = (TypeElement) d.asElement();
            if (isClass(types().erasure(t), "java.util.List")) {
                TypeMirror element = d.getTypeArguments().get(0);
                m.append("        in.beginArray();\n        ").append(type).append(" list = new java.util.ArrayList<")
                        .append(javaType(element)).append(">();\n        while (in.hasElement()) {\n            list.add(")
                        .append(value(element)).append(");\n        }\n        return list;\n");
            } else if (e.getKind() == ElementKind.ENUM) {
                m.append("        switch (in.readString()) {\n");
                for (Element c : e.getEnclosedElements()) {
                    if (c.getKind() == ElementKind.ENUM_CONSTANT) {
                        m.append("            case \"").append(c.getSimpleName()).append("\":\n                return ")
                                .append(type).append('.').append(c.getSimpleName()).append(";\n");
                    }
                }
                m.append("            default:\n                throw in.notCovered();\n        }\n");
            } else if (e.getKind() == ElementKind.RECORD) {
                List<? extends RecordComponentElement> components = e.getRecordComponents();
                for (int i = 0; i < components.size(); i++) {
                    TypeMirror ct = components.get(i).asType();
                    m.append("        ").append(javaType(ct)).append(" f").append(i).append(" = ").append(initial(ct)).append(";\n");
                }
                m.append("        long seen = 0L;\n        in.beginObject();\n        while (in.hasField()) {\n            switch (in.name()) {\n");
                for (int i = 0; i < components.size(); i++) {
                    m.append(field(components.get(i).getSimpleName().toString(), i, "f" + i, components.get(i).asType()));
                }
                m.append("                default:\n                    throw in.notCovered();\n            }\n        }\n        try {\n            return new ")
                        .append(type).append('(');
                for (int i = 0; i < components.size(); i++) {
                    m.append(i == 0 ? "" : ", ").append('f').append(i);
                }
                // A constructor that refuses the values: Jackson calls it again and reports it its own way.
                m.append(");\n        } catch (RuntimeException e) {\n            throw in.notCovered();\n        }\n");
            } else {
                List<VariableElement> fields = fields(e);
                m.append("        in.beginObject();\n        ").append(type).append(" v;\n        try {\n            v = new ").append(type)
                        .append("();\n        } catch (RuntimeException e) {\n            throw in.notCovered();\n        }\n")
                        .append("        long seen = 0L;\n        while (in.hasField()) {\n            switch (in.name()) {\n");
                for (int i = 0; i < fields.size(); i++) {
                    m.append(field(fields.get(i).getSimpleName().toString(), i, "v." + fields.get(i).getSimpleName(), fields.get(i).asType()));
                }
                m.append("                default:\n                    throw in.notCovered();\n            }\n        }\n        return v;\n");
            }
            methods.append(m.append("    }\n"));
            return "r" + n;
        }

        /** One case of a field switch: a repeated field goes to Jackson (it keeps the last one). */
        private String field(String name, int bit, String target, TypeMirror t) {
            return "                case \"" + name + "\":\n                    if ((seen & " + (1L << bit) + "L) != 0L) {\n"
                    + "                        throw in.notCovered();\n                    }\n                    seen |= " + (1L << bit)
                    + "L;\n                    " + target + " = " + value(t) + ";\n                    break;\n";
        }

        /** @return an expression reading one value of the type, null included (except for primitives) */
        private String value(TypeMirror t) {
            Scalar s = scalar(t);
            if (s != null) {
                return s.primitive ? s.read : "in.nextIsNull() ? null : " + s.read;
            }
            return "in.nextIsNull() ? null : " + read(t) + "(in)";
        }

        /** Jackson's value for a missing record component: null, or a primitive's zero. */
        private String initial(TypeMirror t) {
            Scalar s = scalar(t);
            if (s == null || !s.primitive) {
                return "null";
            }
            return switch (s) {
                case BOOLEAN -> "false";
                case LONG -> "0L";
                case DOUBLE -> "0.0d";
                default -> "0";
            };
        }

        /** @return a statement writing the value of the expression */
        String write(TypeMirror t, String expr) {
            if (scalar(t) != null) {
                return "out.value(" + expr + ");";
            }
            String key = types().erasure(t).toString().equals("java.util.List") ? t.toString() : javaType(t);
            Integer n = writers.get(key);
            if (n == null) {
                n = writers.size();
                writers.put(key, n);
                methods.append(writer(t, n));
            }
            return "w" + n + "(" + expr + ", out);";
        }

        private String writer(TypeMirror t, int n) {
            String type = javaType(t);
            StringBuilder m = new StringBuilder("\n    private static void w").append(n).append('(').append(type)
                    .append(" v, dev.kiln.function.codec.JsonWriter out) {\n        if (v == null) {\n            out.nullValue();\n            return;\n        }\n");
            DeclaredType d = (DeclaredType) t;
            TypeElement e = (TypeElement) d.asElement();
            if (isClass(types().erasure(t), "java.util.List")) {
                TypeMirror element = d.getTypeArguments().get(0);
                m.append("        out.beginArray();\n        for (Object e : out.list(v)) {\n            ")
                        .append(write(element, "(" + javaType(element) + ") e")).append("\n        }\n        out.endArray();\n");
            } else if (e.getKind() == ElementKind.ENUM) {
                m.append("        out.value(v.name());\n");
            } else if (e.getKind() == ElementKind.RECORD) {
                m.append("        out.beginObject();\n");
                for (RecordComponentElement c : e.getRecordComponents()) {
                    m.append("        out.name(\"").append(c.getSimpleName()).append("\");\n        ")
                            .append(write(c.asType(), "v." + c.getAccessor().getSimpleName() + "()")).append('\n');
                }
                m.append("        out.endObject();\n");
            } else {
                // Jackson writes what the value is, not what the field says: a subclass is its business.
                m.append("        if (v.getClass() != ").append(type).append(".class) {\n            throw out.notCovered();\n        }\n")
                        .append("        out.beginObject();\n");
                for (VariableElement f : fields(e)) {
                    m.append("        out.name(\"").append(f.getSimpleName()).append("\");\n        ")
                            .append(write(f.asType(), "v." + f.getSimpleName())).append('\n');
                }
                m.append("        out.endObject();\n");
            }
            return m.append("    }\n").toString();
        }

        private Scalar scalar(TypeMirror t) {
            switch (t.getKind()) {
                case BOOLEAN:
                    return Scalar.BOOLEAN;
                case INT:
                    return Scalar.INT;
                case LONG:
                    return Scalar.LONG;
                case DOUBLE:
                    return Scalar.DOUBLE;
                case DECLARED:
                    for (Scalar s : Scalar.values()) {
                        if (!s.primitive && isClass(t, s.javaType)) {
                            return s;
                        }
                    }
                    return null;
                default:
                    return null;
            }
        }

        /** The type as generated source names it: canonical names, type arguments included. */
        private String javaType(TypeMirror t) {
            if (t.getKind().isPrimitive()) {
                return t.toString();
            }
            DeclaredType d = (DeclaredType) t;
            StringBuilder s = new StringBuilder(((TypeElement) d.asElement()).getQualifiedName());
            if (!d.getTypeArguments().isEmpty()) {
                s.append('<');
                for (int i = 0; i < d.getTypeArguments().size(); i++) {
                    s.append(i == 0 ? "" : ", ").append(javaType(d.getTypeArguments().get(i)));
                }
                s.append('>');
            }
            return s.toString();
        }
    }

    /** @return the declared constructors */
    private static List<ExecutableElement> constructors(TypeElement e) {
        List<ExecutableElement> ctors = new ArrayList<>();
        for (Element m : e.getEnclosedElements()) {
            if (m.getKind() == ElementKind.CONSTRUCTOR) {
                ctors.add((ExecutableElement) m);
            }
        }
        return ctors;
    }

    /**
     * The properties of a plain class, in declaration order (Jackson's order): its instance fields, every one
     * public, mutable and not transient; null when one is not.
     */
    private List<VariableElement> fields(TypeElement e) {
        List<VariableElement> fields = new ArrayList<>();
        for (Element m : e.getEnclosedElements()) {
            if (m.getKind() == ElementKind.FIELD && !m.getModifiers().contains(Modifier.STATIC)) {
                Set<Modifier> mod = m.getModifiers();
                if (!mod.contains(Modifier.PUBLIC) || mod.contains(Modifier.FINAL) || mod.contains(Modifier.TRANSIENT)) {
                    return null;
                }
                fields.add((VariableElement) m);
            }
        }
        return fields;
    }

    /**
     * Whether no method, declared or inherited (default methods included), would be a Jackson property: no public
     * {@code getX()}/{@code isX()} other than a record's accessors, and no {@code setX(v)} of any visibility
     * (annotations are {@link #annotated}'s).
     */
    private boolean beanFree(TypeElement e, boolean isRecord) {
        Set<String> accessors = new HashSet<>();
        if (isRecord) {
            for (RecordComponentElement c : e.getRecordComponents()) {
                accessors.add(c.getAccessor().getSimpleName().toString());
            }
        }
        for (Element m : elements().getAllMembers(e)) {
            if (m.getKind() != ElementKind.METHOD || m.getModifiers().contains(Modifier.STATIC)) {
                continue;
            }
            String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
            if (owner.equals("java.lang.Object") || owner.equals("java.lang.Record") || owner.equals("java.lang.Enum")) {
                continue;
            }
            ExecutableElement method = (ExecutableElement) m;
            String name = method.getSimpleName().toString();
            int params = method.getParameters().size();
            if (params == 0 && accessors.contains(name)) {
                continue; // a record's accessor: checked with its component
            }
            boolean getter = params == 0 && method.getReturnType().getKind() != TypeKind.VOID
                    && (name.startsWith("get") && name.length() > 3 || name.startsWith("is") && name.length() > 2)
                    && method.getModifiers().contains(Modifier.PUBLIC);
            boolean setter = params == 1 && name.startsWith("set") && name.length() > 3;
            if (getter || setter) {
                return false;
            }
        }
        return true;
    }
}
