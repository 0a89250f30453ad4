package rotation

import (
	"container/heap"
	"time"
)

// item is one scheduled key.
type item struct {
	key   string
	due   time.Time
	index int // in the heap, -1 when not in it
}

// dueHeap orders items by due time.
type dueHeap []*item

var _ heap.Interface = (*dueHeap)(nil)

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *dueHeap) Push(x any) {
	it := x.(*item)
	it.index = len(*h)
	*h = append(*h, it)
}

func (h *dueHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	it.index = -1
	*h = old[:len(old)-1]
	return it
}
