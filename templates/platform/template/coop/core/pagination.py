"""One page of a list (every list the platform shows is paginated)."""
from django.core.paginator import Paginator

PER_PAGE = 50


def paginate(request, queryset, param="page", per_page=PER_PAGE, count=None):
    """`count`: the number of rows when the view already read it (saves the paginator's COUNT query)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get(param))
    page.param = param
    return page
