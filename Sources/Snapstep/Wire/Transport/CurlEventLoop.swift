import CCurl
import Glibc
import Synchronization

/// A thread of its own that drives libcurl's multi interface: it starts the transfers callers submit, keeps
/// connections open between them, and hands each caller its answer.
///
/// libcurl's multi handle may be used from one thread only, so callers never touch it: they put transfers and
/// cancellations in the inbox and wake the thread with `curl_multi_wakeup`, the one call that is safe from any thread.
final class CurlEventLoop: @unchecked Sendable {
    private struct Inbox {
        var started = false
        var stopping = false
        var added: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
    }

    /// libcurl's global state, set up once per process before the first handle.
    private static let globalSetup: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// How many idle easy handles are kept for reuse.
    private static let idleHandleLimit = 64

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex<Inbox>(Inbox())
    private let connectionsPerHost: Int
    private let connectionMaximumAge: Duration

    // Touched only on the loop's thread.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    /// Creates a loop; its thread starts with the first transfer.
    ///
    /// - Parameters:
    ///   - connectionsPerHost: How many connections may be open to one host at once.
    ///   - connectionMaximumAge: How long an idle connection is kept for reuse; endpoints close idle connections
    ///     after a while, and one closed as a request goes out costs that request its answer.
    init(connectionsPerHost: Int, connectionMaximumAge: Duration) {
        _ = Self.globalSetup
        guard let multi = curl_multi_init() else {
            fatalError("libcurl could not create a multi handle: out of memory")
        }
        self.multi = multi
        self.connectionsPerHost = connectionsPerHost
        self.connectionMaximumAge = connectionMaximumAge
        snapstep_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connectionsPerHost)
        snapstep_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connectionsPerHost)
    }

    /// Queues a transfer and wakes the loop.
    func submit(_ transfer: CurlTransfer) {
        let mustStart = inbox.withLock { inbox in
            inbox.added.append(transfer)
            defer { inbox.started = true }
            return !inbox.started
        }
        if mustStart, let failure = startThread() {
            let stranded = inbox.withLock { inbox in
                defer {
                    inbox.started = false
                    inbox.added = []
                }
                return inbox.added
            }
            for transfer in stranded { transfer.complete(with: .failure(failure)) }
            return
        }
        curl_multi_wakeup(multi)
    }

    /// Asks the loop to drop a transfer whose caller has stopped waiting.
    func cancel(_ transfer: CurlTransfer) {
        inbox.withLock { $0.cancelled.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Stops the loop: transfers still in flight end as cancelled, and the thread frees libcurl's handles.
    func stop() {
        let started = inbox.withLock { inbox in
            inbox.stopping = true
            return inbox.started
        }
        if started {
            curl_multi_wakeup(multi)
        } else {
            curl_multi_cleanup(multi)
        }
    }

    // MARK: - The loop's thread

    /// Starts the loop's thread, which keeps the loop alive until it stops.
    ///
    /// - Returns: `nil`, or why no thread could be started.
    private func startThread() -> TransportError? {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                let loop = Unmanaged<CurlEventLoop>.fromOpaque(context).takeRetainedValue()
                loop.run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<CurlEventLoop>.fromOpaque(context).release()
            return .notSent(
                reason: "could not start the HTTP thread (error \(created)); the system may be out of threads")
        }
        pthread_detach(thread)
        return nil
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (added, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.added.removeAll(keepingCapacity: true)
                    inbox.cancelled.removeAll(keepingCapacity: true)
                }
                return (inbox.added, inbox.cancelled, inbox.stopping)
            }
            if stopping { break }
            for transfer in added where !transfer.isComplete {
                start(transfer)
            }
            for transfer in cancelled {
                drop(transfer)
            }

            curl_multi_perform(multi, &running)
            collectFinished()
            curl_multi_poll(multi, nil, 0, 1_000, nil)
        }

        for (handle, transfer) in active {
            curl_multi_remove_handle(multi, handle)
            curl_easy_cleanup(handle)
            transfer.complete(with: .failure(.cancelled))
        }
        active = [:]
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
        curl_multi_cleanup(multi)
    }

    private func start(_ transfer: CurlTransfer) {
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.complete(with: .failure(.notSent(reason: "libcurl could not create a handle: out of memory")))
            return
        }
        do {
            try CurlRequestOptions.apply(
                to: handle, transfer: transfer, connectionMaximumAge: connectionMaximumAge)
        } catch {
            recycle(handle)
            transfer.complete(with: .failure(error))
            return
        }
        let added = curl_multi_add_handle(multi, handle)
        guard added == CURLM_OK else {
            recycle(handle)
            let reason = String(cString: curl_multi_strerror(added))
            transfer.complete(with: .failure(.notSent(reason: "libcurl refused the request: \(reason)")))
            return
        }
        active[handle] = transfer
    }

    private func drop(_ transfer: CurlTransfer) {
        guard let handle = active.first(where: { $0.value === transfer })?.key else { return }
        active[handle] = nil
        curl_multi_remove_handle(multi, handle)
        recycle(handle)
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = snapstep_curl_message_result(message)
            let transfer = active.removeValue(forKey: handle)
            if let transfer {
                transfer.complete(with: CurlResponseReader.result(of: transfer, handle: handle, code: code))
            }
            curl_multi_remove_handle(multi, handle)
            recycle(handle)
        }
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        if idleHandles.count < Self.idleHandleLimit {
            curl_easy_reset(handle)
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }
}
