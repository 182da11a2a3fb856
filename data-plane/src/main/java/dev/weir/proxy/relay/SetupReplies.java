package dev.weir.proxy.relay;

import io.netty.channel.Channel;

/**
 * What a client is told once its backend connection is up, or cannot be made. A plain TCP client is
 * told nothing: bytes flow, or the connection closes. The stage that read a protocol's request
 * (HTTP CONNECT's) passes on how that protocol answers, so the relay need not know it.
 */
interface SetupReplies {

  /** Plain TCP: nothing to say. */
  SetupReplies NONE =
      new SetupReplies() {
        @Override
        public void established(Channel client) {}

        @Override
        public void unavailable(Channel client, boolean backendsFailed) {}
      };

  /** The backend connection is up; called before any byte is relayed. */
  void established(Channel client);

  /**
   * No backend could be had: the relay closes the client after this, once what this wrote is sent.
   *
   * @param backendsFailed whether backends were tried and none could be reached, rather than none
   *     taking new connections
   */
  void unavailable(Channel client, boolean backendsFailed);
}
