package expire

import (
	"container/heap"
	"time"
)

// item is one scheduled id. It is in the heap (index >= 0) while waiting and
// out of it (index == -1) while its callback runs.
type item struct {
	id      string
	at      time.Time
	seq     uint64 // tie-break: earlier Schedule first
	attempt int    // failed callbacks so far
	index   int
}

// itemHeap orders items by due time, then by scheduling order.
type itemHeap []*item

var _ heap.Interface = (*itemHeap)(nil)

func (h itemHeap) Len() int { return len(h) }

func (h itemHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}

func (h itemHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *itemHeap) Push(x any) {
	it := x.(*item)
	it.index = len(*h)
	*h = append(*h, it)
}

func (h *itemHeap) Pop() any {
	old := *h
	n := len(old)
	it := old[n-1]
	old[n-1] = nil
	it.index = -1
	*h = old[:n-1]
	return it
}
