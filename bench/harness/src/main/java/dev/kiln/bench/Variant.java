package dev.kiln.bench;

import java.util.List;

/**
 * An app on a JDK, with or without its archive.
 *
 * @param app the app
 * @param jdk the JDK
 * @param archived whether the trained archive is mapped
 */
record Variant(App app, Jdk jdk, boolean archived) {

    String label() {
        return app.name() + (jdk.feature() == 17 ? "" : " @ JDK " + jdk.feature())
                + (archived ? (jdk.aot() ? " + AOT cache" : " + AppCDS") : "");
    }

    List<String> command() {
        return app.command(jdk, archived);
    }
}
