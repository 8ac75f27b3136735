package dev.kiln.function.launch;

/** The class archive a JVM can write at exit and map at start-up. */
public enum ArchiveKind {

    /** JDK 25+ AOT cache (JEP 483/514/515): loaded and linked classes plus method profiles. */
    AOT_CACHE("aot", "-XX:AOTCacheOutput=", "-XX:AOTCache="),

    /** JDK 13–24 dynamic AppCDS: the loaded application classes, parsed and verified. */
    APP_CDS("jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile="),

    /** No archive (JDK 12 and older). */
    NONE(null, null, null);

    private final String extension;
    private final String writeFlag;
    private final String readFlag;

    ArchiveKind(String extension, String writeFlag, String readFlag) {
        this.extension = extension;
        this.writeFlag = writeFlag;
        this.readFlag = readFlag;
    }

    /** @return the file extension, or null for {@link #NONE} */
    public String extension() {
        return extension;
    }

    /** @return the JVM option prefix that writes the archive at exit, or null */
    public String writeFlag() {
        return writeFlag;
    }

    /** @return the JVM option prefix that maps the archive at start-up, or null */
    public String readFlag() {
        return readFlag;
    }
}
