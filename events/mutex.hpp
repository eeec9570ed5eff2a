#pragma once

// Mutexes that say what they guard. A member declared `GUARDED_BY(mutex_)` may be touched
// only with `mutex_` held, and a function declared `REQUIRES(mutex_)` only called so: Clang's
// thread-safety analysis checks it (tools/thread-safety, run by the tests); GCC ignores the
// attributes. std::mutex carries no annotations, hence these thin wrappers.

#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define DIALER_THREAD_ATTRIBUTE(x) __attribute__((x))
#else
#define DIALER_THREAD_ATTRIBUTE(x)
#endif

#define CAPABILITY(x) DIALER_THREAD_ATTRIBUTE(capability(x))
#define SCOPED_CAPABILITY DIALER_THREAD_ATTRIBUTE(scoped_lockable)
#define GUARDED_BY(x) DIALER_THREAD_ATTRIBUTE(guarded_by(x))
#define PT_GUARDED_BY(x) DIALER_THREAD_ATTRIBUTE(pt_guarded_by(x))
#define REQUIRES(...) DIALER_THREAD_ATTRIBUTE(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) DIALER_THREAD_ATTRIBUTE(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) DIALER_THREAD_ATTRIBUTE(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) DIALER_THREAD_ATTRIBUTE(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) DIALER_THREAD_ATTRIBUTE(release_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) DIALER_THREAD_ATTRIBUTE(locks_excluded(__VA_ARGS__))

namespace dialer {

class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  // What a condition variable waits with (through Lock::native).
  std::mutex& native() { return mutex_; }

 private:
  std::mutex mutex_;
};

class CAPABILITY("shared mutex") SharedMutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { mutex_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mutex_.unlock_shared(); }

 private:
  std::shared_mutex mutex_;
};

// Holds a Mutex for its scope. A condition variable waits on `native()`; write its predicate
// as a loop around the wait, so that the analysis sees the guarded reads under the lock.
class SCOPED_CAPABILITY Lock {
 public:
  explicit Lock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.native()) {}
  ~Lock() RELEASE() {}
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  void unlock() RELEASE() { lock_.unlock(); }
  void lock() ACQUIRE() { lock_.lock(); }
  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

// Holds a SharedMutex for its scope, alone (WriteLock) or beside other readers (ReadLock).
class SCOPED_CAPABILITY WriteLock {
 public:
  explicit WriteLock(SharedMutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~WriteLock() RELEASE() { mutex_.unlock(); }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  SharedMutex& mutex_;
};

class SCOPED_CAPABILITY ReadLock {
 public:
  explicit ReadLock(SharedMutex& mutex) ACQUIRE_SHARED(mutex) : mutex_(mutex) {
    mutex_.lock_shared();
  }
  ~ReadLock() RELEASE() { mutex_.unlock_shared(); }
  ReadLock(const ReadLock&) = delete;
  ReadLock& operator=(const ReadLock&) = delete;

 private:
  SharedMutex& mutex_;
};

}  // namespace dialer
