package dev.kiln.testing.git;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A real smart-HTTP Git server on 127.0.0.1 for tests: JGit's GitServlet on Jetty, serving bare repositories under
 * {@code /git/}. Repositories under {@code /git/private/} need HTTP basic auth as {@code kiln:s3cret}. Every request
 * is counted, so tests can tell a cache hit (no request) from a fetch.
 */
public final class GitHttpServer implements AutoCloseable {

    /** The user of {@code /git/private/*}. */
    public static final String USER = "kiln";
    /** Its password. */
    public static final String PASSWORD = "s3cret";

    private final Path base;
    private final String advertisedHost;
    private final Server server;
    private final ServerConnector connector;
    /** Every request served. */
    public final AtomicInteger requests = new AtomicInteger();

    /**
     * @param base the directory that holds the bare repositories
     * @throws Exception when Jetty does not start
     */
    public GitHttpServer(Path base) throws Exception {
        this(base, "127.0.0.1", "127.0.0.1");
    }

    /**
     * A server others reach: a cluster's pods, when the test runs beside the cluster (ControllerE2E with kind).
     *
     * @param base the directory that holds the bare repositories
     * @param bindHost the address to listen on, e.g. {@code 0.0.0.0}
     * @param advertisedHost the host its URLs name: the address the clients reach this machine at
     * @throws Exception when Jetty does not start
     */
    public GitHttpServer(Path base, String bindHost, String advertisedHost) throws Exception {
        this.base = base;
        this.advertisedHost = advertisedHost;
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(bindHost);
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder git = new ServletHolder(new GitServlet());
        git.setInitParameter("base-path", base.toString());
        git.setInitParameter("export-all", "true");
        ctx.addServlet(git, "/git/*");
        Filter count = (req, resp, chain) -> {
            requests.incrementAndGet();
            chain.doFilter(req, resp);
        };
        Filter auth = (req, resp, chain) -> {
            String header = ((HttpServletRequest) req).getHeader("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(header)) {
                HttpServletResponse r = (HttpServletResponse) resp;
                r.setHeader("WWW-Authenticate", "Basic realm=\"kiln\"");
                r.sendError(401);
                return;
            }
            chain.doFilter(req, resp);
        };
        ctx.addFilter(new FilterHolder(count), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(auth), "/git/private/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(ctx);
        server.start();
    }

    /** @return the URL of a repository under the base, e.g. {@code public/greeter.git} */
    public String url(String name) {
        return "http://" + advertisedHost + ":" + connector.getLocalPort() + "/git/" + name;
    }

    /** A bare repository served by this server, and a working clone that commits and pushes to it. */
    public final class Repo implements AutoCloseable {
        /** The working clone. */
        public final Git work;

        /**
         * @param name the repository's path under the base, e.g. {@code public/greeter.git}
         * @throws Exception when it cannot be created
         */
        public Repo(String name) throws Exception {
            Path bare = base.resolve(name);
            try (Git b = Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call()) {
                b.getRepository().getConfig().setBoolean("http", null, "receivepack", true);
                b.getRepository().getConfig().save();
            }
            Path dir = Files.createTempDirectory(base.getParent(), "work");
            work = Git.init().setInitialBranch("main").setDirectory(dir.toFile()).call();
            work.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(bare.toUri().toURL())).call();
        }

        /** Writes the files, commits them on the current branch and pushes every branch and tag. */
        public RevCommit commit(String message, String... pathsAndContents) throws Exception {
            Repository r = work.getRepository();
            for (int i = 0; i < pathsAndContents.length; i += 2) {
                Path f = r.getWorkTree().toPath().resolve(pathsAndContents[i]);
                Files.createDirectories(f.getParent());
                Files.writeString(f, pathsAndContents[i + 1]);
            }
            work.add().addFilepattern(".").call();
            RevCommit c = work.commit().setMessage(message).setAuthor("Ada", "ada@example.com").setCommitter("Ada", "ada@example.com").call();
            push();
            return c;
        }

        /**
         * Copies a directory into the working tree (leaving out {@code target/}), commits and pushes.
         *
         * @param message the commit message
         * @param source the directory to copy, e.g. an example function
         * @param into where in the repository, "" for the root
         * @return the commit
         * @throws Exception when copying or committing fails
         */
        public RevCommit commitTree(String message, Path source, String into) throws Exception {
            Path target = work.getRepository().getWorkTree().toPath().resolve(into);
            try (var files = Files.walk(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path rel = source.relativize(f);
                    if (rel.startsWith("target")) {
                        continue;
                    }
                    Path to = target.resolve(rel.toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return commit(message);
        }

        /** @return the working clone's directory */
        public Path workTree() {
            return work.getRepository().getWorkTree().toPath();
        }

        /** Tags HEAD and pushes. */
        public void tag(String name, boolean annotated) throws Exception {
            work.tag().setName(name).setAnnotated(annotated).setMessage(annotated ? "release " + name : null).call();
            push();
        }

        /** Pushes every branch and tag, forced. */
        public void push() throws Exception {
            work.push().setRemote("origin").setPushAll().setPushTags().setForce(true).call();
        }

        @Override
        public void close() {
            work.close();
        }
    }

    @Override
    public void close() throws Exception {
        server.stop(); // its threads are not daemons: a JVM would stay up after the tests
    }
}
