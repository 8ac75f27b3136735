/**
 * How a function process is launched: the JVM command line for serving or training a packaged function, with
 * the class archive (AppCDS on JDK 13–24, AOT cache on JDK 25+) used when it exists. Shared by the image
 * builder and by local mode, so both start functions the same way.
 */
package dev.kiln.function.launch;
