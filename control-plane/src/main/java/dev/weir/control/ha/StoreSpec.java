package dev.weir.control.ha;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Which store a control plane uses, as its flags say; {@link #open} opens it. The data dir of one
 * control plane is {@code dev.weir.control.EmbeddedStoreBackend}'s; {@link #etcd} is shared.
 */
public interface StoreSpec {

  /**
   * Opens the store.
   *
   * @param dataDir the embedded store's dir (unused by etcd)
   * @throws IOException if the store cannot be opened or reached
   */
  StoreBackend open(Path dataDir) throws IOException;

  /**
   * etcd at {@code endpoints}, keys under {@code prefix}: several control planes may share it.
   *
   * @param tls for {@code https://} endpoints; null for {@code http://}
   */
  static StoreSpec etcd(List<URI> endpoints, String prefix, EtcdTls tls) {
    return dataDir -> EtcdStoreBackend.open(EtcdStoreBackend.settings(endpoints, prefix, tls));
  }
}
