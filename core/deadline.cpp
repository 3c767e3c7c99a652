#include "core/deadline.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

namespace connspec {

int millis_left(Deadline deadline)
{
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

StopSignal::StopSignal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

StopSignal::~StopSignal()
{
    if (fd_ >= 0) ::close(fd_);
}

void StopSignal::request() noexcept
{
    requested_.store(true, std::memory_order_relaxed);
    std::uint64_t one = 1;
    // Never read back: the fd stays readable for every poller from now on.
    [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

}  // namespace connspec
