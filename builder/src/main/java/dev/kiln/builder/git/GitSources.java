package dev.kiln.builder.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Git sources for builds, with JGit: resolve a revision (branch, tag, full or short SHA) to a commit with
 * {@code ls-remote}, fetch commits into a content-addressed cache (one bare repository per URL, fetched
 * incrementally: only missing objects travel), and export one commit's {@code contextDir} to a directory.
 *
 * <p>The cache is read only through a {@link Fetched} commit, which {@link #fetch} hands to a requester once its
 * credentials were shown to read the repository. In a cache {@linkplain #shared shared} by many requesters (the
 * controller's, which serves every namespace), the remote decides, as if the requester cloned it now: a commit is
 * served only when a fetch with the requester's own credentials succeeded and a branch or tag the remote advertises
 * now reaches it. The credentials of whoever fetched it first prove nothing about the next requester, who could
 * otherwise name a private repository's URL and a commit and read it; and a commit a force push took out of the
 * repository (a leaked secret, pushed and withdrawn) stays in the cache but is no longer served, as a fresh clone,
 * and the build Job's own fetch, would not have it either. A cache of {@linkplain #singleUser one user}
 * ({@code kiln dev}, a build Job's own) serves cached commits without asking the remote again.
 *
 * <p>Each failure has its own {@link SourceException.Reason}: a revision that does not exist, a repository that
 * does not, a host that cannot be reached and credentials that are missing or refused.
 */
public final class GitSources {

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern SHORT_SHA = Pattern.compile("[0-9a-fA-F]{7,39}");
    private static final int TIMEOUT_SECONDS = 30;

    private final Path cacheDir;
    private final boolean shared;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * The result of resolving a revision.
     *
     * @param commit the full commit SHA
     * @param ref the ref it came from ({@code refs/heads/main}), or null for a SHA
     */
    public record Resolved(String commit, String ref) {
    }

    /**
     * A commit in the cache that the requester who fetched it may read: {@link #fetch} returns it after the requester's
     * credentials were checked against the remote, and only it opens the cache to {@link #export} and
     * {@link #changedPaths}.
     */
    public static final class Fetched {
        private final String url;
        private final String commit;

        private Fetched(String url, String commit) {
            this.url = url;
            this.commit = commit;
        }

        /** @return the repository URL */
        public String url() {
            return url;
        }

        /** @return the full commit SHA */
        public String commit() {
            return commit;
        }

        @Override
        public String toString() {
            return commit + " of " + url;
        }
    }

    private GitSources(Path cacheDir, boolean shared) {
        this.cacheDir = cacheDir;
        this.shared = shared;
    }

    /**
     * A cache that several requesters with different credentials share (the controller's, for every namespace): a
     * cached commit is served only after an {@code ls-remote} with the requester's credentials succeeded.
     *
     * @param cacheDir where bare repositories are kept (created when missing)
     * @return the cache
     */
    public static GitSources shared(Path cacheDir) {
        return new GitSources(cacheDir, true);
    }

    /**
     * A cache of one user's (kiln dev's, a build Job's own): a cached commit is served without asking the remote, so
     * a commit once fetched builds offline.
     *
     * @param cacheDir where bare repositories are kept (created when missing)
     * @return the cache
     */
    public static GitSources singleUser(Path cacheDir) {
        return new GitSources(cacheDir, false);
    }

    /**
     * @param url the repository URL
     * @param revision a branch, a tag, a full or short SHA, or null for the remote's HEAD
     * @param credentials credentials, or {@link GitCredentials#NONE}
     * @return the commit
     * @throws SourceException naming why not
     */
    public Resolved resolve(String url, String revision, GitCredentials credentials) throws SourceException {
        String rev = revision == null || revision.isBlank() ? Constants.HEAD : revision.trim();
        if (FULL_SHA.matcher(rev).matches()) {
            return new Resolved(rev.toLowerCase(Locale.ROOT), null);
        }
        Collection<Ref> refs = lsRemote(url, credentials);
        for (String name : List.of(rev, Constants.R_HEADS + rev, Constants.R_TAGS + rev)) {
            for (Ref r : refs) {
                if (r.getName().equals(name)) {
                    ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                    // Annotated tags: the commit is what the tag points at (advertised as <tag>^{}).
                    for (Ref peeled : refs) {
                        if (peeled.getName().equals(name + "^{}")) {
                            id = peeled.getObjectId();
                        }
                    }
                    return new Resolved(id.name(), r.getName());
                }
            }
        }
        if (SHORT_SHA.matcher(rev).matches()) {
            String prefix = rev.toLowerCase(Locale.ROOT);
            Set<String> tips = new TreeSet<>();
            refs.stream().map(r -> r.getObjectId().name()).filter(id -> id.startsWith(prefix)).forEach(tips::add);
            if (tips.size() == 1) {
                return new Resolved(tips.iterator().next(), null);
            }
            String found = resolveAbbreviated(url, prefix, credentials);
            if (found != null) {
                return new Resolved(found, null);
            }
        }
        throw new SourceException(SourceException.Reason.RevisionNotFound, "revision '" + rev + "' is not a branch, tag or commit of "
                + url + describe(refs), null);
    }

    /**
     * Makes sure a commit is in the cache, fetching only what is missing, for a requester whose credentials read the
     * repository. In a {@linkplain #shared shared} cache the remote is asked every time (a fetch that brings only what
     * is new, one ref advertisement when nothing is), and the commit is served only when a branch or tag it advertises
     * now reaches it: a cached commit that a force push removed, or that only another requester could fetch, is not.
     *
     * @param url the repository URL
     * @param commit the full commit SHA
     * @param credentials the requester's credentials
     * @return the commit, for {@link #export} and {@link #changedPaths}
     * @throws SourceException when no branch or tag of the repository reaches the commit, or the credentials cannot
     *     read it
     */
    public Fetched fetch(String url, String commit, GitCredentials credentials) throws SourceException {
        return fetch(url, commit, credentials, true);
    }

    /**
     * A commit this requester built before, to compare another with ({@link #changedPaths}): in a
     * {@linkplain #shared shared} cache it is served from the cache after an {@code ls-remote} with the requester's
     * credentials, even when no branch or tag reaches it any more (the commit of a Function's last build, which a force
     * push replaced). Comparing tells only whether the build inputs changed, never the commit's content. Use
     * {@link #fetch} for any commit to build.
     *
     * @param url the repository URL
     * @param commit the full commit SHA the requester built
     * @param credentials the requester's credentials
     * @return the commit, to compare with
     * @throws SourceException when it is not in the cache nor reachable in the repository, or the credentials cannot
     *     read the repository
     */
    public Fetched built(String url, String commit, GitCredentials credentials) throws SourceException {
        return fetch(url, commit, credentials, false);
    }

    private Fetched fetch(String url, String commit, GitCredentials credentials, boolean reachableNow) throws SourceException {
        Path dir = repoDir(url);
        synchronized (locks.computeIfAbsent(dir.toString(), k -> new Object())) {
            try (Repository repo = open(dir)) {
                if (has(repo, commit) && !(shared && reachableNow)) {
                    if (shared) {
                        lsRemote(url, credentials);
                    }
                    return new Fetched(url, commit);
                }
                Collection<Ref> advertised = fetchAll(repo, url, credentials);
                if (!has(repo, commit) || shared && !reachable(repo, commit, advertised)) {
                    throw new SourceException(SourceException.Reason.RevisionNotFound, "commit " + commit
                            + " is not reachable from any branch or tag of " + url, null);
                }
                return new Fetched(url, commit);
            } catch (IOException e) {
                throw new SourceException(SourceException.Reason.InvalidSource, "the source cache at " + dir + " is unusable: " + e, e);
            }
        }
    }

    /**
     * @return whether a branch or tag among {@code advertised} (the remote's, as just fetched) reaches the commit; JGit's
     *     reachability checker, the one its upload-pack uses to check a want against the advertised tips
     */
    private static boolean reachable(Repository repo, String commit, Collection<Ref> advertised) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit target = walk.parseCommit(ObjectId.fromString(commit));
            List<RevCommit> tips = new ArrayList<>();
            for (Ref r : advertised) {
                if (!r.getName().startsWith(Constants.R_HEADS) && !r.getName().startsWith(Constants.R_TAGS)) {
                    continue;
                }
                ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                if (id == null || !repo.getObjectDatabase().has(id)) {
                    continue;
                }
                if (walk.peel(walk.parseAny(id)) instanceof RevCommit c) {
                    tips.add(c);
                }
            }
            return !tips.isEmpty() && walk.getObjectReader().createReachabilityChecker(walk).areAllReachable(List.of(target), tips.stream()).isEmpty();
        }
    }

    /**
     * The paths whose content or mode differs between two commits' trees, whatever their ancestry (a force push
     * included): the whole trees are compared in the cache, not a push payload's commit lists, which GitHub and
     * GitLab truncate.
     *
     * @param from one commit
     * @param to another, of the same repository
     * @return repository paths of files added, removed or changed
     * @throws SourceException when the commits' objects are not in the cache
     * @throws IllegalArgumentException when the commits are of different repositories
     */
    public java.util.Set<String> changedPaths(Fetched from, Fetched to) throws SourceException {
        if (!from.url.equals(to.url)) {
            throw new IllegalArgumentException(from + " and " + to + " are of different repositories");
        }
        try (Repository repo = open(repoDir(from.url)); RevWalk walk = new RevWalk(repo); TreeWalk diff = new TreeWalk(repo)) {
            diff.addTree(walk.parseCommit(ObjectId.fromString(from.commit)).getTree());
            diff.addTree(walk.parseCommit(ObjectId.fromString(to.commit)).getTree());
            diff.setRecursive(true);
            diff.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
            java.util.Set<String> paths = new java.util.TreeSet<>();
            while (diff.next()) {
                paths.add(diff.getPathString());
            }
            return paths;
        } catch (MissingObjectException e) {
            throw new SourceException(SourceException.Reason.RevisionNotFound, "commit " + e.getObjectId().name() + " is not in the cache: fetch it first", e);
        } catch (IOException e) {
            throw new SourceException(SourceException.Reason.InvalidSource, "cannot compare " + from.commit + " and " + to.commit + ": " + e, e);
        }
    }

    /**
     * Writes one commit's {@code contextDir} (the whole tree when blank) to {@code target}.
     *
     * @param fetched the commit
     * @param contextDir the directory in the repository, or blank for the root
     * @param target where to write it
     * @throws SourceException when the commit's objects are not in the cache, or {@code contextDir} escapes the
     *     repository or is not a directory at that commit
     */
    public void export(Fetched fetched, String contextDir, Path target) throws SourceException {
        String commit = fetched.commit;
        String context = contextPath(contextDir);
        Path dir = repoDir(fetched.url);
        try (Repository repo = open(dir); RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            TreeWalk tree;
            if (context.isEmpty()) {
                tree = new TreeWalk(repo);
                tree.addTree(c.getTree());
            } else {
                TreeWalk at = TreeWalk.forPath(repo, context, c.getTree());
                if (at == null || !at.getFileMode(0).equals(FileMode.TREE)) {
                    throw new SourceException(SourceException.Reason.InvalidSource, "contextDir '" + contextDir
                            + "' is not a directory at commit " + commit.substring(0, 12), null);
                }
                tree = new TreeWalk(repo);
                tree.addTree(at.getObjectId(0));
            }
            try (TreeWalk t = tree) {
                t.setRecursive(true);
                Files.createDirectories(target);
                while (t.next()) {
                    FileMode mode = t.getFileMode(0);
                    if (mode.equals(FileMode.GITLINK) || mode.equals(FileMode.SYMLINK)) {
                        continue; // submodules are not fetched; symlinks could point outside the context
                    }
                    Path file = target.resolve(t.getPathString()).normalize();
                    Files.createDirectories(file.getParent());
                    ObjectLoader blob = repo.open(t.getObjectId(0));
                    try (InputStream in = blob.openStream(); OutputStream out = Files.newOutputStream(file)) {
                        in.transferTo(out);
                    }
                    if (mode.equals(FileMode.EXECUTABLE_FILE)) {
                        try {
                            var perms = Files.getPosixFilePermissions(file);
                            perms.add(PosixFilePermission.OWNER_EXECUTE);
                            Files.setPosixFilePermissions(file, perms);
                        } catch (UnsupportedOperationException e) {
                            // not a POSIX file system: nothing to keep
                        }
                    }
                }
            }
        } catch (MissingObjectException e) {
            throw new SourceException(SourceException.Reason.RevisionNotFound, "commit " + commit + " is not in the cache: fetch it first", e);
        } catch (IOException e) {
            throw new SourceException(SourceException.Reason.InvalidSource, "cannot export " + commit + ": " + e, e);
        }
    }

    /**
     * @return the context directory as a repository path without leading or trailing slashes ("" for the root)
     * @throws SourceException when it is absolute or climbs out of the repository
     */
    static String contextPath(String contextDir) throws SourceException {
        if (contextDir == null || contextDir.isBlank() || contextDir.strip().equals(".")) {
            return "";
        }
        String c = contextDir.strip().replace('\\', '/');
        Path normalized = Path.of(c).normalize();
        if (c.startsWith("/") || normalized.startsWith("..")) {
            throw new SourceException(SourceException.Reason.InvalidSource, "contextDir '" + contextDir
                    + "' must be a path inside the repository (relative, and not leading out with '..')", null);
        }
        return normalized.toString();
    }

    private String resolveAbbreviated(String url, String prefix, GitCredentials credentials) throws SourceException {
        Path dir = repoDir(url);
        synchronized (locks.computeIfAbsent(dir.toString(), k -> new Object())) {
            try (Repository repo = open(dir)) {
                fetchAll(repo, url, credentials);
                ObjectId id = repo.resolve(prefix + "^{commit}");
                return id == null ? null : id.name();
            } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
                throw new SourceException(SourceException.Reason.RevisionNotFound, "short SHA " + prefix + " is ambiguous in " + url
                        + ": give more characters", e);
            } catch (IOException e) {
                return null;
            }
        }
    }

    private Collection<Ref> lsRemote(String url, GitCredentials credentials) throws SourceException {
        try (SshSession ssh = session(credentials)) {
            return Git.lsRemoteRepository().setRemote(url).setCredentialsProvider(credentials.provider())
                    .setTransportConfigCallback(credentials.transport(ssh)).setTimeout(TIMEOUT_SECONDS).call();
        } catch (GitAPIException e) {
            throw classify(url, credentials, e);
        }
    }

    /** @return the refs the remote advertised */
    private Collection<Ref> fetchAll(Repository repo, String url, GitCredentials credentials) throws SourceException {
        try (Git git = Git.wrap(repo); SshSession ssh = session(credentials)) {
            return git.fetch().setRemote(url).setCredentialsProvider(credentials.provider()).setTransportConfigCallback(credentials.transport(ssh))
                    .setTimeout(TIMEOUT_SECONDS)
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*")).call().getAdvertisedRefs();
        } catch (GitAPIException e) {
            throw classify(url, credentials, e);
        }
    }

    /** @return the SSH setup for one operation, or null without an SSH key */
    private static SshSession session(GitCredentials credentials) throws SourceException {
        if (credentials.ssh() == null) {
            return null;
        }
        try {
            return new SshSession(credentials.ssh());
        } catch (IOException e) {
            throw new SourceException(SourceException.Reason.InvalidSource, "cannot prepare the SSH key: " + e.getMessage(), e);
        }
    }

    /** JGit reports transport failures by message; these are its stable texts (JGitText). */
    static SourceException classify(String url, GitCredentials credentials, Exception e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        String text = all.toString().toLowerCase(Locale.ROOT);
        if (text.contains("host key") || text.contains("known_hosts") || text.contains("unknown server key")
                || text.contains("server key did not validate") || text.contains("key mismatch")) {
            return new SourceException(SourceException.Reason.AuthenticationFailed, url + " presented a host key that the secret's"
                    + " known_hosts does not list: check the host's fingerprint before trusting it (" + rootMessage(e) + ")", e);
        }
        if (text.contains("not authorized") || text.contains("authentication is required") || text.contains("authentication not supported")
                || text.contains("authentication failed") || text.contains("no more authentication methods")) {
            return new SourceException(SourceException.Reason.AuthenticationFailed, url + " refused "
                    + (!credentials.present() ? "access without credentials: set spec.source.git.secretRef"
                            : "the credentials of " + credentials + ": check the secret"), e);
        }
        if (text.contains("unknownhostexception") || text.contains("connectexception") || text.contains("connection refused")
                || text.contains("sockettimeoutexception") || text.contains("timed out") || text.contains("no route to host")) {
            return new SourceException(SourceException.Reason.RepositoryUnreachable, url + " cannot be reached: " + rootMessage(e), e);
        }
        if (text.contains("not found") || text.contains("repository not found") || text.contains("not exist")) {
            return new SourceException(SourceException.Reason.RepositoryNotFound, "there is no Git repository at " + url, e);
        }
        return new SourceException(SourceException.Reason.RepositoryUnreachable, url + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String describe(Collection<Ref> refs) {
        List<String> names = new ArrayList<>();
        for (Ref r : refs) {
            String n = r.getName();
            if (n.startsWith(Constants.R_HEADS) || n.startsWith(Constants.R_TAGS) && !n.endsWith("^{}")) {
                names.add(Repository.shortenRefName(n));
            }
        }
        if (names.isEmpty()) {
            return " (it has no branches or tags)";
        }
        return " (it has " + String.join(", ", names.subList(0, Math.min(10, names.size()))) + (names.size() > 10 ? ", ..." : "") + ")";
    }

    private Path repoDir(String url) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(url.strip().replaceAll("/+$", "").getBytes(StandardCharsets.UTF_8));
            return cacheDir.resolve("repos").resolve(HexFormat.of().formatHex(h, 0, 12) + ".git");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Repository open(Path dir) throws IOException {
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        if (!Files.exists(dir.resolve("objects"))) {
            repo.create(true);
        }
        return repo;
    }

    private static boolean has(Repository repo, String commit) {
        try {
            return repo.getObjectDatabase().has(ObjectId.fromString(commit));
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }
}
