"""One page of a list (every list the platform shows is paginated)."""
from django.core.paginator import Paginator

PER_PAGE = 50


def paginate(request, queryset, param="page", per_page=PER_PAGE):
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    page.param = param
    return page
