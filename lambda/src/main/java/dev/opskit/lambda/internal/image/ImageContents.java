package dev.opskit.lambda.internal.image;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image holds, enough to check it before deploying: its config (entrypoint, command,
 * working directory, environment, architecture) and its file tree after all layers (paths
 * without a leading slash, symlinks kept), with the text of its {@code bootstrap} files.
 *
 * @param digest the manifest digest
 * @param mediaType the manifest media type
 * @param architecture the config's architecture, e.g. {@code amd64}
 * @param entrypoint ENTRYPOINT
 * @param cmd CMD
 * @param workdir WorkingDir, or null
 * @param env Env as {@code K=V}
 * @param files path to entry
 * @param texts small files' contents by path (bootstraps)
 */
public record ImageContents(String digest, String mediaType, String architecture, List<String> entrypoint,
        List<String> cmd, String workdir, List<String> env, Map<String, Entry> files, Map<String, String> texts) {

    /**
     * One path of the tree.
     *
     * @param directory whether a directory
     * @param link the symlink target, or null
     * @param mode the permission bits
     */
    public record Entry(boolean directory, String link, int mode) {
    }

    /** The regular file an absolute path names, following symlinks as the running image would. */
    public Optional<String> resolve(String path) {
        Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
        Deque<String> current = new ArrayDeque<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.poll();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current.pollLast();
                continue;
            }
            current.addLast(part);
            String p = String.join("/", current);
            Entry e = files.get(p);
            if (e == null) {
                return Optional.empty();
            }
            if (e.link() != null) {
                if (++hops > 40) {
                    return Optional.empty();
                }
                current.pollLast();
                Deque<String> expanded = new ArrayDeque<>(List.of(e.link().split("/")));
                expanded.addAll(todo);
                todo = expanded;
                if (e.link().startsWith("/")) {
                    current.clear();
                }
            }
        }
        String p = String.join("/", current);
        Entry e = files.get(p);
        return e != null && !e.directory() ? Optional.of(p) : Optional.empty();
    }

    /** The value of an Env entry, or null. */
    public String envValue(String name) {
        for (String kv : env) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return null;
    }
}
