package io.aifocus.api.fs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsConstants;

/**
 * The {@code file:} file system that Hadoop's {@code FileContext} uses in aifocus sessions
 * ({@code fs.AbstractFileSystem.file.impl}); Delta writes its log through it. Hadoop's {@code LocalFs} with
 * {@link ShellFreeRawLocalFileSystem} underneath: its renames ask for link status without starting {@code readlink}.
 */
public final class ShellFreeLocalFs extends ChecksumFs {
  public ShellFreeLocalFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(new Raw(uri, conf));
  }

  /** The unchecksummed layer, as Hadoop's {@code RawLocalFs}. */
  static final class Raw extends DelegateToFileSystem {
    Raw(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new ShellFreeRawLocalFileSystem(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1; // a local path has no port
    }

    @Override
    public boolean isValidName(String src) {
      return true; // as Hadoop's RawLocalFs: any local path name is valid
    }
  }
}
